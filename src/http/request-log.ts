import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line a request, once answered, saying what it was (method, masked URL: the `req`
 * serializer in src/logger.ts) and how it ended. Fastify writes two, one on arrival, each
 * serialized and redacted; the arrival line told nothing the answer's line does not.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
