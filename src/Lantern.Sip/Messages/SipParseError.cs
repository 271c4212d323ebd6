namespace Lantern.Sip.Messages;

/// <summary>A parse or validation failure: reason, byte offset, and the status and reason phrase to answer it with.</summary>
public readonly record struct SipParseError(SipParseErrorReason Reason, int Offset)
{
    public static SipParseError None => default;

    public bool IsError => Reason != SipParseErrorReason.None;

    /// <summary>The status code a request failing this way is answered with.</summary>
    public int StatusCode => Reason switch
    {
        SipParseErrorReason.UnsupportedVersion => 505,
        SipParseErrorReason.MessageTooLarge or SipParseErrorReason.BodyTooLarge => 513,
        SipParseErrorReason.None => 200,
        _ => 400,
    };

    /// <summary>A reason phrase naming the problem, e.g. <c>Missing Call-ID</c>.</summary>
    public string ReasonPhrase => Reason switch
    {
        SipParseErrorReason.None => "OK",
        SipParseErrorReason.Empty => "Empty Message",
        SipParseErrorReason.Incomplete => "Incomplete Message",
        SipParseErrorReason.MessageTooLarge => "Message Too Large",
        SipParseErrorReason.StartLineTooLong => "Start Line Too Long",
        SipParseErrorReason.HeaderSectionTooLarge => "Header Section Too Large",
        SipParseErrorReason.TooManyHeaders => "Too Many Headers",
        SipParseErrorReason.TooManyVias => "Too Many Via Entries",
        SipParseErrorReason.BodyTooLarge => "Message Body Too Large",
        SipParseErrorReason.MalformedStartLine => "Malformed Start Line",
        SipParseErrorReason.MalformedRequestUri => "Malformed Request-URI",
        SipParseErrorReason.UnsupportedVersion => "Unsupported SIP Version",
        SipParseErrorReason.MalformedHeader => "Malformed Header Line",
        SipParseErrorReason.MissingVia => "Missing Via",
        SipParseErrorReason.MalformedVia => "Malformed Via",
        SipParseErrorReason.MissingViaBranch => "Missing Via Branch",
        SipParseErrorReason.MissingFrom => "Missing From",
        SipParseErrorReason.MalformedFrom => "Malformed From",
        SipParseErrorReason.MissingFromTag => "Missing From Tag",
        SipParseErrorReason.MissingTo => "Missing To",
        SipParseErrorReason.MalformedTo => "Malformed To",
        SipParseErrorReason.MissingCallId => "Missing Call-ID",
        SipParseErrorReason.MissingCSeq => "Missing CSeq",
        SipParseErrorReason.MalformedCSeq => "Malformed CSeq",
        SipParseErrorReason.CSeqMethodMismatch => "CSeq Method Mismatch",
        SipParseErrorReason.MalformedMaxForwards => "Malformed Max-Forwards",
        SipParseErrorReason.MalformedContentLength => "Malformed Content-Length",
        SipParseErrorReason.ContentLengthMismatch => "Content-Length Mismatch",
        SipParseErrorReason.MalformedExpires => "Malformed Expires",
        SipParseErrorReason.MalformedEvent => "Malformed Event",
        SipParseErrorReason.MalformedContentType => "Malformed Content-Type",
        SipParseErrorReason.HeaderMissingColon => "Bad Header: Missing Colon",
        SipParseErrorReason.DuplicateFrom => "Duplicate From",
        SipParseErrorReason.DuplicateTo => "Duplicate To",
        SipParseErrorReason.DuplicateCallId => "Duplicate Call-ID",
        SipParseErrorReason.DuplicateCSeq => "Duplicate CSeq",
        SipParseErrorReason.DuplicateMaxForwards => "Duplicate Max-Forwards",
        SipParseErrorReason.ConflictingContentLength => "Conflicting Content-Length",
        SipParseErrorReason.MalformedContact => "Malformed Contact",
        _ => "Bad Request",
    };

    public override string ToString() => $"{StatusCode} {ReasonPhrase} (at byte {Offset})";
}
