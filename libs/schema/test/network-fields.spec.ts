/**
 * An intent may not bring what the network decides (SIDs come only from the topology): a
 * segment list, SIDs, a path or an outer source address is refused with why, at any depth.
 */
import { validateIntent } from '@srv6/schema';
import { edited, errorsOf, loadFixture, type EditableDocument } from './support.js';

const specIntent = loadFixture('spec-intent.yaml');
const WHY = /cannot set segments, SIDs, a path or a source address; path-svc computes them/;

describe('fields an intent cannot set', () => {
  it.each([
    ['spec.segments', (doc: EditableDocument) => (doc.spec.segments = ['fc00:0:9::1'])],
    ['spec.sids', (doc: EditableDocument) => (doc.spec.sids = ['fc00:0:9::1'])],
    ['spec.segmentList', (doc: EditableDocument) => (doc.spec.segmentList = ['fc00:0:9::1'])],
    ['spec.path', (doc: EditableDocument) => (doc.spec.path = ['r1', 'r9'])],
    ['spec.source', (doc: EditableDocument) => (doc.spec.source = '2001:db8:ffff::1')],
    ['spec.constraints.segments', (doc: EditableDocument) => (doc.spec.constraints.segments = [])],
  ])('%s is refused, saying why', (path, edit) => {
    const result = validateIntent(edited(specIntent, edit));
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toContainEqual({ path, message: expect.stringMatching(WHY) });
  });

  it('other unknown fields keep the plain message', () => {
    const result = validateIntent(edited(specIntent, (doc) => (doc.spec.colour = 'blue')));
    expect(errorsOf(result)).toContainEqual({
      path: 'spec.colour',
      message: "unknown field 'colour'",
    });
  });
});
