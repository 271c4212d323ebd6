using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Stack;

public sealed class SipStackPropertyTests
{
    private static readonly string[] Seeds =
    [
        SipStackHarness.Request("OPTIONS"),
        SipStackHarness.Request("SUBSCRIBE", extra: "Event: message-summary\r\nRequire: x\r\n"),
        SipStackHarness.Request("INVITE"),
        SipStackHarness.Request("ACK"),
        SipStackHarness.Request("CANCEL"),
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 1 NOTIFY\r\n\r\n",
    ];

    [Property(MaxTest = 500)]
    public Property MutatedMessages_NeverThrowAndAnswersParse() =>
        Prop.ForAll(
            Gen.Elements(Seeds).SelectMany(_ => Gen.Zip(Gen.Choose(0, 4000), Gen.Choose(0, 255)).ArrayOf(), (text, edits) => (text, edits)).ToArbitrary(),
            input =>
            {
                var bytes = new List<byte>(Encoding.UTF8.GetBytes(input.text));
                foreach (var (pos, value) in input.edits)
                {
                    var at = pos % (bytes.Count + 1);
                    if (value % 2 == 0 && at < bytes.Count)
                    {
                        bytes[at] = (byte)value;
                    }
                    else
                    {
                        bytes.Insert(at, (byte)"\r\n:;,<>\"@ \t"[value % 11]);
                    }
                }

                using var h = new SipStackHarness();
                h.Stack.RegisterHandler(SipMethod.Subscribe, new SipStackHarness.RecordingHandler(200));
                h.Stack.OnMessage(bytes.ToArray(), new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
                h.Advance(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(1));
                foreach (var sent in h.Transport.Sent)
                {
                    Assert.True(SipMessageParser.TryParse(sent.Bytes, SipLimits.Default, out var m, out _) || m is not null);
                    m?.Dispose();
                }
            });
}
