using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Sip.Messages;

namespace Lantern.Benchmarks.Sip;

/// <summary>Parsing a typical SUBSCRIBE and a NOTIFY carrying an RFC 3842 body.</summary>
[MemoryDiagnoser]
public class SipParseBenchmarks
{
    internal const string NotifyBody =
        "Messages-Waiting: yes\r\n" +
        "Message-Account: sip:1000@pbx.example.com\r\n" +
        "Voice-Message: 2/8 (0/2)\r\n";

    private const string Subscribe =
        "SUBSCRIBE sip:1000@pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: \"Alice Smith\" <sip:1000@pbx.example.com>;tag=1928301774\r\n" +
        "To: <sip:1000@pbx.example.com>\r\n" +
        "Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
        "CSeq: 314159 SUBSCRIBE\r\n" +
        "Contact: <sip:1000@192.0.2.10:5060;transport=udp>;expires=3600\r\n" +
        "Event: message-summary\r\n" +
        "Accept: application/simple-message-summary\r\n" +
        "Expires: 3600\r\n" +
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, NOTIFY, SUBSCRIBE\r\n" +
        "Supported: replaces, timer\r\n" +
        "User-Agent: Yealink SIP-T46S 66.85.0.5\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    private static readonly string Notify =
        "NOTIFY sip:1000@192.0.2.10:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKnashds8\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@pbx.example.com>;tag=a6c85cf\r\n" +
        "To: \"Alice Smith\" <sip:1000@pbx.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
        "CSeq: 2 NOTIFY\r\n" +
        "Contact: <sip:lantern@198.51.100.1:5060>\r\n" +
        "Event: message-summary\r\n" +
        "Subscription-State: active;expires=3599\r\n" +
        "Content-Type: application/simple-message-summary\r\n" +
        "Content-Length: " + Encoding.UTF8.GetByteCount(NotifyBody) + "\r\n" +
        "\r\n" + NotifyBody;

    private readonly byte[] _subscribe = Encoding.UTF8.GetBytes(Subscribe);
    private readonly byte[] _notify = Encoding.UTF8.GetBytes(Notify);

    [Benchmark]
    public long ParseSubscribe()
    {
        SipMessageParser.TryParse(_subscribe, SipLimits.Default, out var m, out _);
        var n = m!.CSeq.Number;
        m.Dispose();
        return n;
    }

    [Benchmark]
    public int ParseNotify()
    {
        SipMessageParser.TryParse(_notify, SipLimits.Default, out var m, out _);
        var n = m!.Body.Length;
        m.Dispose();
        return n;
    }
}
