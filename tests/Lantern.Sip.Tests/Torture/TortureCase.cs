namespace Lantern.Sip.Tests.Torture;

/// <summary>One torture message: where the RFC prints it, its short name, and the outcome the RFC asks for.</summary>
/// <param name="Codes">For <see cref="TortureClass.Answer"/>: the allowed final statuses, the RFC's preferred one first;
/// for <see cref="TortureClass.ParseOk"/>: statuses the RFC allows besides 2xx/405/501.</param>
/// <param name="TcpClose">Over a stream transport the framing cannot be trusted: the connection is closed after the answer.</param>
public sealed record TortureCase(string Rfc, string Section, string Name, TortureClass Class, int[] Codes, bool TcpClose, string Reason)
{
    public string FileName => $"{Rfc}/{Name}.sip";
}
