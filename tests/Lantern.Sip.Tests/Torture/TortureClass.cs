namespace Lantern.Sip.Tests.Torture;

/// <summary>What the RFC asks of an element receiving a torture message.</summary>
public enum TortureClass
{
    /// <summary>Well-formed: parses, and a request is answered as any other (never 400).</summary>
    Valid,

    /// <summary>Invalid but answerable: the parser reports the error, the element answers with one of the codes.</summary>
    Reject,

    /// <summary>Parses; the element answers with one of the codes for a reason above the parser (scheme, Require, auth).</summary>
    Answer,

    /// <summary>A response the element must discard: no answer, nothing sent.</summary>
    Discard,
}
