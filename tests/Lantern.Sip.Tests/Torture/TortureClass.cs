namespace Lantern.Sip.Tests.Torture;

/// <summary>What the RFC says an element does with a torture message, condensed.</summary>
public enum TortureClass
{
    /// <summary>Well-formed: a request is processed as any other (here 2xx, or 405/501 for a method we do not serve); a response parses.</summary>
    ParseOk,

    /// <summary>A request answered with one of the case's status codes (400 first where the RFC names it).</summary>
    Answer,

    /// <summary>A response the RFC says to drop.</summary>
    Discard,
}
