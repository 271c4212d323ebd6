namespace Lantern.Sip.Messages;

/// <summary>The SIP response (status code and reason phrase naming the problem) for each framing error.</summary>
public static class SipFramerErrors
{
    public static int StatusCode(this SipFramerError error) => error switch
    {
        SipFramerError.BodyTooLarge => 413,
        SipFramerError.HeaderSectionTooLarge or SipFramerError.MessageTooLarge => 513,
        SipFramerError.None => 0,
        _ => 400,
    };

    public static string ReasonPhrase(this SipFramerError error) => error switch
    {
        SipFramerError.MissingContentLength => "Missing Content-Length",
        SipFramerError.MalformedContentLength => "Malformed Content-Length",
        SipFramerError.ConflictingContentLength => "Conflicting Content-Length",
        SipFramerError.HeaderSectionTooLarge => "Header Section Too Large",
        SipFramerError.BodyTooLarge => "Request Entity Too Large",
        SipFramerError.MessageTooLarge => "Message Too Large",
        _ => "OK",
    };
}
