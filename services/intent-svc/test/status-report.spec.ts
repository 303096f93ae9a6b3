/** Which host-agent status reports intent-svc republishes on srv6.status.intents.<name>. */
import { checkStatusReport } from '../src/services/status-report.js';

const body = (record: object): Uint8Array => new TextEncoder().encode(JSON.stringify(record));
const report = { intent: 'video', host: 'host-a', state: 'programmed', updatedAt: 'now' };

describe('checkStatusReport', () => {
  it('republishes a report about the host and intent its subject names', () => {
    expect(checkStatusReport('srv6.agent.host-a.status.video', body(report))).toEqual({
      ok: true,
      subject: 'srv6.status.intents.video',
      host: 'host-a',
      intent: 'video',
    });
  });

  it.each([
    [
      'another host than the subject',
      'srv6.agent.host-a.status.video',
      { ...report, host: 'host-b' },
      /names host host-b/,
    ],
    [
      'another intent than the subject',
      'srv6.agent.host-a.status.video',
      { ...report, intent: 'other' },
      /names intent other/,
    ],
    [
      'an unknown state',
      'srv6.agent.host-a.status.video',
      { ...report, state: 'owned' },
      /unknown state/,
    ],
    [
      'a policy message (subject kept by a push consumer)',
      '$KV.srv6-policies.host-a.video',
      report,
      /not a status report subject/,
    ],
    [
      'a subject with more tokens',
      'srv6.agent.host-a.status.video.x',
      report,
      /not a status report subject/,
    ],
  ])('drops %s', (_, subject, record, reason) => {
    expect(checkStatusReport(subject, body(record))).toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it('drops what is not a JSON object', () => {
    for (const data of ['[1]', 'null', '{', '"x"']) {
      expect(
        checkStatusReport('srv6.agent.host-a.status.video', new TextEncoder().encode(data)).ok,
      ).toBe(false);
    }
    expect(checkStatusReport('srv6.agent.host-a.status.video', new Uint8Array([0xff])).ok).toBe(
      false,
    );
  });
});
