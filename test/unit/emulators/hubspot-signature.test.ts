import { canonicalUri, signatureV1, signatureV2, signatureV3 } from '../../emulators/hubspot';

// Vectors from shared/reference/hubspot-platform.md §3.3 (v1 and v2 are HubSpot's documented examples).
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';

describe('HubSpot request signatures', () => {
  it('v3 over a webhook POST', () => {
    const body =
      '[{"eventId":1,"subscriptionId":2,"portalId":62515,"appId":54321,"occurredAt":1700000000000,"subscriptionType":"object.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"email","propertyValue":"a@b.com","changeSource":"CRM_UI","objectTypeId":"0-1"}]';
    expect(
      signatureV3(SECRET, 'POST', 'https://bridge.example.com/webhooks/hubspot', body, '1700000000000'),
    ).toBe('sHPMxLnxaPTu1bUCGWaXLqpuJqBXKZsvXszugJAa6FI=');
  });

  it('v3 over a hubspot.fetch GET, whether or not the @ in the query is escaped', () => {
    const expected = 'q1hA7W8pX0HzWxncLW8EH9aqDFaXawLl4Au6QbEQWw4=';
    const plain =
      'https://bridge.example.com/api/sync-status?objectId=123&userId=1&portalId=62515&userEmail=a@b.com&appId=54321';
    expect(signatureV3(SECRET, 'GET', plain, '', '1700000000000')).toBe(expected);
    expect(signatureV3(SECRET, 'get', plain.replace('@', '%40'), '', '1700000000000')).toBe(expected);
  });

  it('v2 and v1 match HubSpot documentation values', () => {
    expect(signatureV2(SECRET, 'GET', 'https://www.example.com/webhook_uri', '')).toBe(
      'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e',
    );
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    expect(signatureV1(SECRET, body)).toBe(
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
  });

  it('decodes exactly the escapes HubSpot lists, and no others', () => {
    expect(canonicalUri('https://x.test/a%2Fb?q=%3A%40%21%24%27%28%29%2a%2C%3B%3F&s=%20%25')).toBe(
      "https://x.test/a/b?q=:@!$'()*,;?&s=%20%25",
    );
  });
});
