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
}
