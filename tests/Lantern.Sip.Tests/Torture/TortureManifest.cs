namespace Lantern.Sip.Tests.Torture;

/// <summary>The RFC 4475 §3 messages with the outcome each section asks for, in the RFC's words condensed.</summary>
public static class TortureManifest
{
    private const string R4475 = "rfc4475";

    public static IReadOnlyList<TortureCase> All { get; } =
    [
        Ok("3.1.1.1", "wsinv", "short tortuous INVITE: folding, LWS around separators, leading zeros; all elements treat it as well-formed"),
        Ok("3.1.1.2", "intmeth", "wide range of token characters; unknown method: endpoints answer 501 with Allow", 501),
        Ok("3.1.1.3", "esc01", "valid use of % escaping in URIs"),
        Ok("3.1.1.4", "escnull", "escaped nulls in URIs: valid"),
        Ok("3.1.1.5", "esc02", "% in a method is not an escape: RE%47IST%45R is an unknown method", 501),
        Ok("3.1.1.6", "lwsdisp", "no LWS between display name and <: valid"),
        Ok("3.1.1.7", "longreq", "long header values, many Via entries: valid"),
        Ok("3.1.1.8", "dblreq", "over UDP the second request after Content-Length: 0 is ignored; the first is processed"),
        Ok("3.1.1.9", "semiuri", "semicolon-separated parameters in the user part: valid"),
        Ok("3.1.1.10", "transports", "Via with unknown transports: valid"),
        Ok("3.1.1.11", "mpart01", "multipart MIME body with a binary part: valid"),
        Ok("3.1.1.12", "unreason", "response with an unusual reason phrase: valid"),
        Ok("3.1.1.13", "noreason", "response with an empty reason phrase: valid"),
        Bad("3.1.2.1", "badinv01", "extraneous header field separators: respond 400"),
        Bad("3.1.2.2", "clerr", "Content-Length larger than the message: respond 400; on TCP close the connection", tcpClose: true),
        Bad("3.1.2.3", "ncl", "negative Content-Length: respond 400; on TCP close the connection", tcpClose: true),
        Bad("3.1.2.4", "scalar02", "overlarge CSeq (and Max-Forwards, expiries): respond 400 for the CSeq"),
        Drop("3.1.2.5", "scalarlg", "response with overlarge scalar fields: discard it"),
        Bad("3.1.2.6", "quotbal", "unterminated quoted display name: respond 400"),
        Bad("3.1.2.7", "ltgtruri", "<> around the Request-URI: respond 400"),
        Bad("3.1.2.8", "lwsruri", "LWS inside the Request-URI: respond 400"),
        Bad("3.1.2.9", "lwsstart", "several SP between Request-Line elements: respond 400"),
        Answer("3.1.2.10", "trws", "SP after SIP/2.0 on the Request-Line: respond 400, an element may tolerate it", 400, 200),
        Bad("3.1.2.11", "escruri", "escaped headers in a SIP Request-URI: respond 400"),
        Answer("3.1.2.12", "baddate", "non-GMT time zone in Date: may reject 400, or ignore the Date and process", 400, 405, 501),
        Bad("3.1.2.13", "regbadct", "Contact URI with an escaped header not in <>: respond 400"),
        Answer("3.1.2.14", "badaspec", "spaces inside addr-spec: reasonable to reject 400, a liberal element may ignore the spaces", 400, 200),
        Answer("3.1.2.15", "baddn", "unquoted non-token display names: reasonable to reject 400, an element may infer the quotes", 400, 200),
        Answer("3.1.2.16", "badvers", "unknown protocol version SIP/7.0: respond 505", 505),
        Bad("3.1.2.17", "mismatch01", "Request-Line method and CSeq method differ: respond 400"),
        Answer("3.1.2.18", "mismatch02", "unknown method with a mismatched CSeq method: respond 501, 400 acceptable", 501, 400),
        Drop("3.1.2.19", "bigcode", "response code larger than 699: drop it"),
        Answer("3.2.1", "badbranch", "z9hG4bK with no identifier: may reject 400, or fall back to RFC 2543 matching", 400, 200),
        Bad("3.3.1", "insuf", "no Call-ID, From or To: ideally respond 400"),
        Answer("3.3.2", "unkscm", "unknown Request-URI scheme: respond 416", 416),
        Answer("3.3.3", "novelsc", "registered but unsupported Request-URI scheme: respond 416", 416),
        Ok("3.3.4", "unksm2", "unknown schemes in To/From/Contact parse; a registrar (Lantern's RegisterHandler) answers 400", 400),
        Answer("3.3.5", "bext01", "unsupported Require options: respond 420 listing them in Unsupported", 420),
        Answer("3.3.6", "invut", "unknown Content-Type: respond 415 with Accept; an INVITE we do not serve gets 405", 415, 405),
        Ok("3.3.7", "regaut01", "unknown Authorization scheme: a registrar challenges 401 with a scheme it knows", 401),
        Bad("3.3.8", "multi01", "several values in single-value headers (To, Call-ID, Max-Forwards, CSeq): respond 400"),
        Bad("3.3.9", "mcl01", "two different Content-Length values: respond 400; on TCP close the connection", tcpClose: true),
        Ok("3.3.10", "bcast", "200 OK with a broadcast sent-by in the second Via: valid; never sent to the broadcast address"),
        Ok("3.3.11", "zeromf", "Max-Forwards: 0 at a UAS: process normally (200 for OPTIONS)"),
        Ok("3.3.12", "cparam01", "REGISTER with a Contact header parameter: valid"),
        Ok("3.3.13", "cparam02", "REGISTER with a Contact URI parameter: valid"),
        Ok("3.3.14", "regescrt", "REGISTER with an escaped header in a Contact name-addr URI: registrars accept it"),
        Ok("3.3.15", "sdp01", "Accept without application/sdp: may answer 406, or process", 406),
        Ok("3.4.1", "inv2543", "RFC 2543 INVITE (no branch, no From tag, no Content-Length, no Max-Forwards): accept for compatibility"),
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

    private static TortureCase Ok(string section, string name, string reason, params int[] also) =>
        new(R4475, section, name, TortureClass.ParseOk, also, false, reason);

    private static TortureCase Bad(string section, string name, string reason, bool tcpClose = false) =>
        new(R4475, section, name, TortureClass.Answer, [400], tcpClose, reason);

    private static TortureCase Answer(string section, string name, string reason, params int[] codes) =>
        new(R4475, section, name, TortureClass.Answer, codes, false, reason);

    private static TortureCase Drop(string section, string name, string reason) =>
        new(R4475, section, name, TortureClass.Discard, [], false, reason);
}
