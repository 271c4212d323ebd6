namespace Lantern.Sip.Messages;

/// <summary>Why a stream could not be framed; see <see cref="SipFramerErrors"/> for the response to send.</summary>
public enum SipFramerError
{
    None = 0,
    MissingContentLength = 1,
    MalformedContentLength = 2,
    ConflictingContentLength = 3,
    HeaderSectionTooLarge = 4,
    BodyTooLarge = 5,
    MessageTooLarge = 6,
}
