namespace Lantern.Sip.Tests.Torture;

/// <summary>The 49 RFC 4475 §3 and 12 RFC 5118 §4 messages with the outcome each section asks for, in the RFC's words
/// condensed, and the answer <c>lantern serve</c> gives (docs/conformance.md lists the same table).</summary>
public static class TortureManifest
{
    private const string R4475 = "rfc4475";
    private const string R5118 = "rfc5118";
    private const string MethodChoice = "405 with Allow, not 501: sip.md §1 and decision 0003 answer every method Lantern has no handler for 405";
    private const string InviteChoice = "405 with Allow: Lantern serves no INVITE (sip.md §1), and the method is checked before the body";

    public static IReadOnlyList<TortureCase> All { get; } =
    [
        Valid("3.1.1.1", "wsinv", "192.0.2.2", "short tortuous INVITE (folding, LWS around separators, escapes in quoted strings, leading zeros): well-formed; an element answers it as any INVITE", [405]),
        Valid("3.1.1.2", "intmeth", "host1.example.com", "wide range of valid token characters, an unknown method: well-formed; an endpoint answers 501", [405], MethodChoice),
        Valid("3.1.1.3", "esc01", "host5.example.net", "valid % escaping in URIs: well-formed", [405]),
        Valid("3.1.1.4", "escnull", "host5.example.com", "escaped NULs in URIs: well-formed, a registrar accepts it", [401]),
        Valid("3.1.1.5", "esc02", "host.example.com", "% in a method is no escape: RE%47IST%45R is an unknown method, answered 501", [405], MethodChoice),
        Valid("3.1.1.6", "lwsdisp", "funky.example.com", "no LWS between display name and <: well-formed", [200]),
        Valid("3.1.1.7", "longreq", "sip33.example.com", "long header values, 34 Via entries: well-formed", [405]),
        Valid("3.1.1.8", "dblreq", "192.0.2.125", "over UDP the bytes after Content-Length (a second request) are ignored; the REGISTER is processed", [401]),
        Valid("3.1.1.9", "semiuri", "192.0.2.1", "semicolons in the Request-URI user part: well-formed", [200]),
        Valid("3.1.1.10", "transports", "t1.example.com", "Via entries with unknown transports: well-formed", [200]),
        Valid("3.1.1.11", "mpart01", "127.0.0.1:5070", "multipart body with a binary part: well-formed", [405]),
        Valid("3.1.1.12", "unreason", null, "response with an unusual UTF-8 reason phrase: well-formed (no transaction here, so discarded)", []),
        Valid("3.1.1.13", "noreason", null, "response with an empty reason phrase: well-formed (no transaction here, so discarded)", []),
        Reject("3.1.2.1", "badinv01", "192.0.2.15", "extraneous header field separators in Via and Contact: respond 400"),
        Reject("3.1.2.2", "clerr", "host5.example.com", "Content-Length larger than the message: respond 400; on a stream close the connection", tcpClose: true),
        Reject("3.1.2.3", "ncl", "192.0.2.53", "negative Content-Length: respond 400; on a stream close the connection", tcpClose: true),
        Reject("3.1.2.4", "scalar02", "host129.example.com", "overlarge CSeq, Max-Forwards, Expires: respond 400"),
        Discard("3.1.2.5", "scalarlg", "response with overlarge scalar fields: discard it"),
        Reject("3.1.2.6", "quotbal", "192.0.2.59:5050", "unterminated quoted display name in To: respond 400"),
        Reject("3.1.2.7", "ltgtruri", "192.0.2.5", "<> around the Request-URI: respond 400"),
        Reject("3.1.2.8", "lwsruri", "192.0.2.1:5060", "LWS inside the Request-URI: respond 400"),
        Reject("3.1.2.9", "lwsstart", "host1.example.com", "several SP between Request-Line elements: respond 400"),
        Reject("3.1.2.10", "trws", "host1.examle.com", "SP after SIP/2.0: respond 400, though an element may tolerate it",
            "400 Malformed Start Line (the RFC's first answer): a start line that is not exactly the grammar is not guessed at"),
        Reject("3.1.2.11", "escruri", "host-of-the-hour.example.com", "escaped headers in a SIP Request-URI: respond 400"),
        Valid("3.1.2.12", "baddate", "host.example.com", "non-GMT Date: reject with 400, or ignore the Date and process the request", [405],
            "processed: Lantern never reads Date, so the INVITE gets what any INVITE gets (405)"),
        Reject("3.1.2.13", "regbadct", "135.180.130.133:5060", "Contact URI with headers outside <>: respond 400"),
        Valid("3.1.2.14", "badaspec", "host4.example.com:5060", "spaces inside the To addr-spec: reasonable to reject 400; a liberal element may ignore the spaces", [200],
            "tolerated: the spaces sit between <> and the URI, where nothing else can be meant; the OPTIONS gets 200"),
        Reject("3.1.2.15", "baddn", "c.example.com:5060", "unquoted non-token display names: reasonable to reject 400; an element may infer the quotes",
            "400 Malformed From: a comma outside quotes is a list separator in SIP, so inferring quotes would be a guess"),
        Answer("3.1.2.16", "badvers", "c.example.com", "unknown protocol version SIP/7.0: respond 505", [505]),
        Reject("3.1.2.17", "mismatch01", "host.example.com", "CSeq method differs from the Request-Line: respond 400"),
        Reject("3.1.2.18", "mismatch02", "host.example.net", "unknown method with a mismatched CSeq: respond 501, 400 acceptable",
            "400 CSeq Method Mismatch: the mismatch is found by the parser, before any method check"),
        Discard("3.1.2.19", "bigcode", "response code larger than 699: discard it"),
        Valid("3.2.1", "badbranch", "192.0.2.1", "branch z9hG4bK with nothing after: may reject 400, or treat it as an RFC 2543 transaction id", [200],
            "processed: the branch is used as any branch would be (transactions here are keyed on branch, sent-by, CSeq and method)"),
        Reject("3.3.1", "insuf", "192.0.2.95", "no Call-ID, From or To: respond 400 if a response can be formed at all"),
        Answer("3.3.2", "unkscm", "host9.example.com", "unknown Request-URI scheme: respond 416", [416]),
        Answer("3.3.3", "novelsc", "host9.example.com", "registered but unsupported Request-URI scheme: respond 416", [416]),
        Valid("3.3.4", "unksm2", "192.0.2.21:5060", "unknown schemes in To, From, Contact parse; a registrar rejects the non-SIP To with 400", [400]),
        Answer("3.3.5", "bext01", "fold-and-staple.example.com", "unsupported Require options: respond 420 listing them in Unsupported", [420]),
        Valid("3.3.6", "invut", "somehost.example.com", "unknown Content-Type: a UAS answers 415 with Accept", [405],
            InviteChoice),
        Answer("3.3.7", "regaut01", "192.0.2.253", "Authorization with an unknown scheme: a registrar challenges 401 with a scheme it knows", [401]),
        Reject("3.3.8", "multi01", "192.0.2.25", "several values in single-value headers (To, From, Call-ID, CSeq, Max-Forwards): respond 400"),
        Reject("3.3.9", "mcl01", "host5.example.net", "two different Content-Length values: respond 400; on a stream close the connection", tcpClose: true),
        Valid("3.3.10", "bcast", null, "200 OK with a broadcast sent-by in the second Via: well-formed, never forwarded to the broadcast address (no transaction here, so discarded)", []),
        Valid("3.3.11", "zeromf", "host1.example.com", "Max-Forwards: 0 at the UAS it is addressed to: processed normally (200 to OPTIONS)", [200]),
        Valid("3.3.12", "cparam01", "saturn.example.com:5060", "REGISTER with a Contact header parameter: well-formed", [401]),
        Valid("3.3.13", "cparam02", "saturn.example.com:5060", "REGISTER with a Contact URI parameter: well-formed", [401]),
        Valid("3.3.14", "regescrt", "host5.example.com", "REGISTER with an escaped header in a Contact name-addr: a registrar accepts it", [401]),
        Valid("3.3.15", "sdp01", "60.63.78.88", "Accept without application/sdp: a UAS may answer 406, or process", [405], InviteChoice),
        Valid("3.4.1", "inv2543", "iftgw.example.com", "RFC 2543 INVITE (no branch, no From tag, no Content-Length, no Max-Forwards): accepted for compatibility", [405]),

        Valid("4.1", "ipv6-good", "[2001:db8::9:1]", "IPv6 references in Request-URI, Via and Contact: well-formed", [401], rfc: R5118),
        Reject("4.2", "ipv6-bad", "[2001:db8::9:1]", "IPv6 address without [] in the Request-URI: invalid, reject", rfc: R5118),
        Valid("4.3", "port-ambiguous", "[2001:db8::9:1]", "[2001:db8::10:5070] is an address with no port, not a port 5070: well-formed", [401], rfc: R5118),
        Valid("4.4", "port-unambiguous", "[2001:db8::9:1]", "[2001:db8::10]:5070 is an address and port: well-formed", [401], rfc: R5118),
        Valid("4.5", "via-received-param-with-delim", "[2001:db8::9:1]", "received=[2001:db8::9:255] (with []): accepted", [405], rfc: R5118),
        Valid("4.5", "via-received-param-no-delim", "[2001:db8::9:1]", "received=2001:db8::9:255 (without []): accepted", [200], rfc: R5118),
        Valid("4.6", "ipv6-in-sdp", "[2001:db8::20]", "IPv6 addresses in the SDP body: well-formed", [405], rfc: R5118),
        Valid("4.7", "mult-ip-in-header", "[2001:db8::9:1]:6050", "IPv6 and IPv4 Via entries together: well-formed", [405], rfc: R5118),
        Valid("4.8", "mult-ip-in-sdp", "[2001:db8::9:1]", "IPv4 and IPv6 in the SDP body: well-formed", [405], rfc: R5118),
        Valid("4.9", "ipv4-mapped-ipv6", "[::ffff:192.0.2.10]:19823", "IPv4-mapped IPv6 in Via, Contact and SDP: well-formed", [405], rfc: R5118),
        Valid("4.10", "ipv6-bug-abnf-3-colons", "lab1.east.example.com", "2001:db8:::192.0.2.1 (the RFC 3261 ABNF bug): an implementation must tolerate both forms", [200], rfc: R5118),
        Valid("4.10", "ipv6-correct-abnf-2-colons", "lab1.east.example.com", "2001:db8::192.0.2.1: well-formed", [200], rfc: R5118),
    ];

    public static TortureCase Get(string name)
    {
        foreach (var c in All)
        {
            if (c.Name == name)
            {
                return c;
            }
        }

        throw new KeyNotFoundException(name);
    }

    /// <summary>Every name, for theories.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static TortureCase Valid(string section, string name, string? sentBy, string rule, int[] codes, string? choice = null, string rfc = R4475) =>
        new(rfc, section, name, TortureClass.Valid, codes, false, sentBy, rule, choice);

    private static TortureCase Reject(string section, string name, string sentBy, string rule, string? choice = null, bool tcpClose = false, string rfc = R4475) =>
        new(rfc, section, name, TortureClass.Reject, [400], tcpClose, sentBy, rule, choice);

    private static TortureCase Answer(string section, string name, string sentBy, string rule, int[] codes) =>
        new(R4475, section, name, TortureClass.Answer, codes, false, sentBy, rule);

    private static TortureCase Discard(string section, string name, string rule) =>
        new(R4475, section, name, TortureClass.Discard, [], false, null, rule);
}
