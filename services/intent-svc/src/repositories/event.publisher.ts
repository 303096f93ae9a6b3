/**
 * Change events on the JetStream events stream (libs/bus EVENTS_STREAM). The msgID makes a
 * retried publish of the same change a duplicate the stream drops. Topology msgIDs use a colon,
 * which intent names cannot contain, so the two never collide.
 */
import {
  encodeJson,
  intentEventSubject,
  TOPOLOGY_EVENT_SUBJECT,
  type BusStorage,
  type IntentEvent,
  type TopologyEvent,
} from '@srv6/bus';

type JetStream = BusStorage['js'];

export class EventPublisher {
  constructor(private readonly js: JetStream) {}

  async intentChanged(event: IntentEvent): Promise<void> {
    await this.js.publish(intentEventSubject(event.name), encodeJson(event), {
      msgID: `${event.name}-${event.revision}`,
    });
  }

  async topologyApplied(event: TopologyEvent): Promise<void> {
    await this.js.publish(TOPOLOGY_EVENT_SUBJECT, encodeJson(event), {
      msgID: `topology:${event.revision}`,
    });
  }
}
