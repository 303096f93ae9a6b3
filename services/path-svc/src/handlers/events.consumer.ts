/**
 * The durable JetStream consumer every path-svc instance shares: each change event is delivered
 * to one instance, acknowledged only after its policies are written, and redelivered to another
 * instance if this one dies first (ack wait). Nothing is lost while all instances are down.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { AckPolicy, ConsumerMessages, jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  decodeJson,
  EVENTS_STREAM,
  IntentEvent,
  PATH_SVC_CONSUMER,
  TOPOLOGY_EVENT_SUBJECT,
  TopologyEvent,
} from '@srv6/bus';
import { PathSvcMetrics, silentLogger, type Logger } from '@srv6/observability';
import { PathService } from '../services/path.service.js';

/**
 * An event in hand is acknowledged when its policies are written. One at a time (no prefetch
 * buffer), so an instance that stops holds at most the event it is working on, finishes it, and
 * nothing waits for a redelivery; one that dies loses at most that event's ack, redelivered
 * after ACK_WAIT (long topology recomputes report progress with working()).
 */
const ACK_WAIT_NS = 10 * 1e9;

export class EventsConsumer {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly paths: PathService,
    private readonly metrics = new PathSvcMetrics('unnamed'),
    private readonly log: Logger = silentLogger(),
  ) {}

  async start(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.consumers.info(EVENTS_STREAM, PATH_SVC_CONSUMER);
    } catch {
      await jsm.consumers.add(EVENTS_STREAM, {
        durable_name: PATH_SVC_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        ack_wait: ACK_WAIT_NS,
        max_ack_pending: 1000,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(EVENTS_STREAM, PATH_SVC_CONSUMER);
    // expires 1 s (the minimum): after a nats-server restart the library re-pulls with a
    // back-off of up to `expires`; the default 30 s left events waiting for seconds.
    this.messages = await consumer.consume({ max_messages: 1, expires: 1000 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) {
        const started = performance.now();
        const topology = message.subject === TOPOLOGY_EVENT_SUBJECT;
        let intent: string | undefined;
        try {
          if (topology) {
            await this.paths.onTopologyEvent(decodeJson<TopologyEvent>(message.data), () =>
              message.working(),
            );
          } else {
            const event = decodeJson<IntentEvent>(message.data);
            intent = event.name;
            await this.paths.onIntentEvent(event);
          }
          message.ack();
          const seconds = (performance.now() - started) / 1000;
          this.metrics.eventHandled(topology ? 'topology' : 'intent', seconds);
        } catch (error) {
          this.metrics.error('event');
          this.log.error(
            { event: 'event-failed', subject: message.subject, intent, err: error },
            `${message.subject}: ${String(error)}; retrying in 1 s`,
          );
          message.nak(1000);
        }
      }
    })();
  }

  /** Stops taking new events and waits for the one in hand. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }
}
