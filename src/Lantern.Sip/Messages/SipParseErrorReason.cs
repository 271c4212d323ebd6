namespace Lantern.Sip.Messages;

/// <summary>Why a message failed to parse or validate.</summary>
public enum SipParseErrorReason
{
    None = 0,
    Empty,
    Incomplete,
    MessageTooLarge,
    StartLineTooLong,
    HeaderSectionTooLarge,
    TooManyHeaders,
    TooManyVias,
    BodyTooLarge,
    MalformedStartLine,
    MalformedRequestUri,
    UnsupportedVersion,
    MalformedHeader,
    MissingVia,
    MalformedVia,
    MissingViaBranch,
    MissingFrom,
    MalformedFrom,
    MissingFromTag,
    MissingTo,
    MalformedTo,
    MissingCallId,
    MissingCSeq,
    MalformedCSeq,
    CSeqMethodMismatch,
    MalformedMaxForwards,
    MalformedContentLength,
    ContentLengthMismatch,
    MalformedExpires,
    MalformedEvent,
    MalformedContentType,

    /// <summary>A line in the header section without the colon between name and value.</summary>
    HeaderMissingColon,

    /// <summary>Two From header fields (RFC 4475 §3.3.8).</summary>
    DuplicateFrom,

    /// <summary>Two To header fields.</summary>
    DuplicateTo,

    /// <summary>Two Call-ID header fields.</summary>
    DuplicateCallId,

    /// <summary>Two CSeq header fields.</summary>
    DuplicateCSeq,

    /// <summary>Two Max-Forwards header fields.</summary>
    DuplicateMaxForwards,

    /// <summary>Two Content-Length header fields with different values (RFC 4475 §3.3.9).</summary>
    ConflictingContentLength,

    /// <summary>A Contact URI with headers not enclosed in &lt;&gt; (RFC 4475 §3.1.2.13).</summary>
    MalformedContact,
}
