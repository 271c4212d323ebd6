using System.Globalization;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>One Via entry (RFC 3261 §20.42, RFC 3581 rport), materialized on demand.</summary>
public sealed class SipVia
{
    internal SipVia(ReadOnlySpan<byte> buffer, in ViaRanges r)
    {
        Transport = Encoding.ASCII.GetString(r.Transport.Of(buffer)).ToUpperInvariant();
        Host = Encoding.ASCII.GetString(r.Host.Of(buffer));
        Port = r.Port;
        Branch = r.Branch.IsEmpty ? null : Encoding.UTF8.GetString(r.Branch.Of(buffer));
        Received = r.Received.IsEmpty ? null : Encoding.UTF8.GetString(r.Received.Of(buffer));
        HasRport = r.HasRport;
        Rport = r.Rport;
        Parameters = r.Parameters.IsEmpty ? [] : SipSyntax.ParseParameters(r.Parameters.Of(buffer));
        Text = Encoding.UTF8.GetString(r.Entry.Of(buffer));
    }

    /// <summary>UDP, TCP, TLS, WS... upper-cased.</summary>
    public string Transport { get; }

    /// <summary>The sent-by host (IPv6 without brackets).</summary>
    public string Host { get; }

    /// <summary>The sent-by port, 0 when absent.</summary>
    public int Port { get; }

    public string? Branch { get; }

    public string? Received { get; }

    public bool HasRport { get; }

    /// <summary>The rport value, 0 when absent or empty.</summary>
    public int Rport { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    /// <summary>The entry as it appeared on the wire.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    /// <summary>Formats a Via value for a request Lantern sends.</summary>
    public static string Format(string transport, string host, int port, string branch)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;
        return string.Create(CultureInfo.InvariantCulture, $"SIP/2.0/{transport} {h}:{port};branch={branch};rport");
    }
}
