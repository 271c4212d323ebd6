using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Sip.Messages;

namespace Lantern.Benchmarks.Sip;

/// <summary>Building and serializing an MWI NOTIFY.</summary>
[MemoryDiagnoser]
public class SipWriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _writer = new(2048);
    private readonly byte[] _body = Encoding.UTF8.GetBytes(SipParseBenchmarks.NotifyBody);

    [Benchmark]
    public int WriteNotify()
    {
        _writer.ResetWrittenCount();
        SipMessageBuilder.Request(SipMethod.Notify, "sip:1000@192.0.2.10:5060")
            .AddHeader(SipHeaderId.Via, "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKnashds8;rport")
            .AddHeader(SipHeaderId.MaxForwards, "70")
            .AddHeader(SipHeaderId.From, "<sip:1000@pbx.example.com>;tag=a6c85cf")
            .AddHeader(SipHeaderId.To, "\"Alice Smith\" <sip:1000@pbx.example.com>;tag=1928301774")
            .AddHeader(SipHeaderId.CallId, "a84b4c76e66710@192.0.2.10")
            .AddHeader(SipHeaderId.CSeq, "2 NOTIFY")
            .AddHeader(SipHeaderId.Contact, "<sip:lantern@198.51.100.1:5060>")
            .AddHeader(SipHeaderId.Event, "message-summary")
            .AddHeader(SipHeaderId.SubscriptionState, "active;expires=3599")
            .SetBody(_body, "application/simple-message-summary")
            .WriteTo(_writer);
        return _writer.WrittenCount;
    }
}
