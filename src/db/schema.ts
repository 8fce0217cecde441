import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamp column the database fills in; read back as a Date. */
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;
/** Optimistic-concurrency counter behind every ETag; starts at 1. */
type Version = ColumnType<number, never, number>;

export interface OrganizationTable {
  id: Generated<string>;
  name: string;
  short_name: string | null;
  kind: 'social_service' | 'medical';
  region_code: string;
  inn: string | null;
  address: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface DepartmentTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  care_form: 'home' | 'inpatient';
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface StaffTable {
  id: Generated<string>;
  organization_id: string;
  department_id: string | null;
  full_name: string;
  position: string;
  active: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Version;
}

export interface ApiKeyTable {
  id: Generated<string>;
  name: string;
  role: 'admin' | 'regional' | 'provider' | 'medical_partner';
  organization_id: string | null;
  /** SHA-256 of the secret; the secret itself is never stored. */
  secret_hash: Buffer;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date | null, never, Date>;
  revoked_at: ColumnType<Date | null, never, Date>;
}

export interface Database {
  organizations: OrganizationTable;
  departments: DepartmentTable;
  staff: StaffTable;
  api_keys: ApiKeyTable;
}

export type OrganizationRow = Selectable<OrganizationTable>;
export type NewOrganizationRow = Insertable<OrganizationTable>;
export type OrganizationUpdate = Updateable<OrganizationTable>;
export type DepartmentRow = Selectable<DepartmentTable>;
export type StaffRow = Selectable<StaffTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
