using System.Text;

namespace Lantern.Sip.Tests.Messages;

/// <summary>Realistic wire messages used across the message tests and benchmarks.</summary>
internal static class SipSamples
{
    public const string Subscribe =
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

    public const string NotifyBody =
        "Messages-Waiting: yes\r\n" +
        "Message-Account: sip:1000@pbx.example.com\r\n" +
        "Voice-Message: 2/8 (0/2)\r\n";

    public static readonly string Notify =
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

    public const string Register =
        "REGISTER sip:pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP [2001:db8::10]:5062;branch=z9hG4bKreg1;received=2001:db8::99\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: Bob <sip:1001@pbx.example.com>;tag=456248\r\n" +
        "To: Bob <sip:1001@pbx.example.com>\r\n" +
        "Call-ID: 843817637684230@998sdasdh09\r\n" +
        "CSeq: 1826 REGISTER\r\n" +
        "Contact: <sip:1001@[2001:db8::10]:5062;transport=tcp>;expires=600;q=0.7, <sip:1001@198.51.100.7>\r\n" +
        "Authorization: Digest username=\"1001\", realm=\"pbx.example.com\", nonce=\"abc\", uri=\"sip:pbx.example.com\", response=\"0123\"\r\n" +
        "Path: <sip:edge.example.com;lr>\r\n" +
        "Expires: 7200\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    public const string Options =
        "OPTIONS sip:pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.20:5070;branch=z9hG4bKopt1\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:monitor@192.0.2.20>;tag=opt1\r\n" +
        "To: <sip:pbx.example.com>\r\n" +
        "Call-ID: opt-1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Accept: application/sdp\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
