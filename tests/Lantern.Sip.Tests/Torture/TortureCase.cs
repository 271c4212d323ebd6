namespace Lantern.Sip.Tests.Torture;

/// <summary>One torture message: where the RFC prints it, what the RFC says an element does with it, what Lantern answers.</summary>
/// <param name="Rfc">The corpus folder: <c>rfc4475</c> or <c>rfc5118</c>.</param>
/// <param name="Section">The RFC section printing the message.</param>
/// <param name="Name">The RFC's short name, also the file name.</param>
/// <param name="Class">The outcome class the RFC asks for.</param>
/// <param name="Codes">The status codes <c>lantern serve</c> answers with (empty: none, or any but 400 for a valid message).</param>
/// <param name="TcpClose">The RFC wants a stream carrying this message closed after the answer (framing errors).</param>
/// <param name="SentBy">The top Via sent-by as printed, which the server test points at itself; null for responses.</param>
/// <param name="Rule">The RFC's expected outcome, condensed from its own words.</param>
/// <param name="Choice">Where the RFC allows two outcomes: the one Lantern takes, and why.</param>
public sealed record TortureCase(
    string Rfc,
    string Section,
    string Name,
    TortureClass Class,
    int[] Codes,
    bool TcpClose,
    string? SentBy,
    string Rule,
    string? Choice = null)
{
    /// <summary>For test output.</summary>
    public override string ToString() => $"{Rfc} §{Section} {Name}";
}
