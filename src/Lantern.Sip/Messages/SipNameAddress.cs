using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>A <c>name-addr</c> or <c>addr-spec</c> with header parameters, as in From, To, Contact, Route (RFC 3261 §20.10).</summary>
public sealed class SipNameAddress
{
    public SipNameAddress(SipUri uri, string? displayName = null, IReadOnlyList<KeyValuePair<string, string?>>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? [];
    }

    /// <summary>The display name, quotes and escapes removed; null when absent.</summary>
    public string? DisplayName { get; }

    public SipUri Uri { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    public string? Tag => GetParameter("tag");

    public string? GetParameter(string name)
    {
        foreach (var p in Parameters)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    public static bool TryParse(string text, out SipNameAddress? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(Encoding.UTF8.GetBytes(text), out value);
    }

    /// <summary>Parses one name-addr or addr-spec with its parameters; false when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out SipNameAddress? value)
    {
        value = null;
        if (!TryScan(text, out var display, out var uriRange, out var paramRange))
        {
            return false;
        }

        if (!SipUri.TryParse(uriRange.Of(text), out var uri))
        {
            return false;
        }

        var d = display.IsEmpty ? null : SipSyntax.Unquote(display.Of(text));
        value = new SipNameAddress(uri!, string.IsNullOrEmpty(d) ? null : d,
            paramRange.IsEmpty ? null : SipSyntax.ParseParameters(paramRange.Of(text)));
        return true;
    }

    /// <summary>Finds the display name, URI and parameter ranges of one name-addr/addr-spec without allocating.</summary>
    internal static bool TryScan(ReadOnlySpan<byte> text, out ByteRange display, out ByteRange uri, out ByteRange parameters)
    {
        display = default;
        uri = default;
        parameters = default;
        var t = SipSyntax.Trim(text, 0, text.Length);
        if (t.IsEmpty)
        {
            return false;
        }

        var s = t.Of(text);
        var lt = SipSyntax.IndexOfOutside(s, (byte)'<');
        if (lt >= 0)
        {
            var gt = s[lt..].IndexOf((byte)'>');
            if (gt < 0)
            {
                return false;
            }

            gt += lt;
            var d = SipSyntax.Trim(text, t.Start, lt);
            if (!d.IsEmpty && !IsDisplayName(d.Of(text)))
            {
                return false;
            }

            display = d;
            uri = new ByteRange(t.Start + lt + 1, gt - lt - 1);
            var after = SipSyntax.Trim(text, t.Start + gt + 1, t.Length - gt - 1);
            if (!after.IsEmpty && text[after.Start] != (byte)';')
            {
                return false;
            }

            parameters = after;
        }
        else
        {
            // LWS may sit between the addr-spec and its ';' (RFC 4475 §3.1.1.1): the URI ends at the last non-blank.
            var semi = s.IndexOf((byte)';');
            var spec = SipSyntax.Trim(text, t.Start, semi < 0 ? t.Length : semi);
            if (spec.Of(text).IndexOfAny(SipSyntax.AddrSpecForbidden) >= 0)
            {
                return false;
            }

            uri = spec;
            parameters = semi < 0 ? default : new ByteRange(t.Start + semi, t.Length - semi);
        }

        var u = uri.Of(text);
        return !u.IsEmpty && u.IndexOf((byte)':') > 0;
    }

    private static bool IsDisplayName(ReadOnlySpan<byte> d)
    {
        if (d[0] == (byte)'"')
        {
            return SipSyntax.IndexOfQuoteEnd(d, 0) == d.Length - 1;
        }

        return d.IndexOfAny(SipSyntax.DisplayNameForbidden) < 0;
    }

    /// <summary>The header value in wire form.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(96);
        if (DisplayName is not null)
        {
            sb.Append('"').Append(DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\" ");
        }

        sb.Append('<').Append(Uri).Append('>');
        foreach (var p in Parameters)
        {
            sb.Append(';').Append(p.Key);
            if (p.Value is not null)
            {
                sb.Append('=').Append(p.Value);
            }
        }

        return sb.ToString();
    }
}
