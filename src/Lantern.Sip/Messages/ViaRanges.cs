using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Where the parts of one Via entry sit in the message buffer (absolute offsets).</summary>
internal readonly record struct ViaRanges(
    ByteRange Entry,
    ByteRange Transport,
    ByteRange Host,
    int Port,
    ByteRange Parameters,
    ByteRange Branch,
    ByteRange Received,
    bool HasRport,
    int Rport)
{
    /// <summary>Scans one Via entry (<c>SIP/2.0/UDP host:port;params</c>) at <paramref name="entry"/> in <paramref name="buffer"/>.</summary>
    public static bool TryScan(ReadOnlySpan<byte> buffer, ByteRange entry, out ViaRanges via)
    {
        via = default;
        var e = SipSyntax.Trim(buffer, entry.Start, entry.Length);
        var s = e.Of(buffer);
        var pos = 0;
        if (!TakeToken(s, ref pos, out _) || !TakeSlash(s, ref pos) || !TakeToken(s, ref pos, out _) || !TakeSlash(s, ref pos)
            || !TakeToken(s, ref pos, out var transport))
        {
            return false;
        }

        var wsStart = pos;
        while (pos < s.Length && SipSyntax.IsLws(s[pos]))
        {
            pos++;
        }

        if (pos == wsStart)
        {
            return false;
        }

        var semi = s[pos..].IndexOf((byte)';');
        var sentByLen = semi < 0 ? s.Length - pos : semi;
        var sentBy = SipSyntax.Trim(s, pos, sentByLen);
        var sb = sentBy.Of(s);
        if (sb.IsEmpty)
        {
            return false;
        }

        ByteRange host;
        var port = 0;
        var colon = sb[0] == (byte)'[' ? sb.IndexOf((byte)']') + 1 : sb.IndexOf((byte)':');
        if (sb[0] == (byte)'[')
        {
            if (colon <= 2)
            {
                return false;
            }

            host = new ByteRange(sentBy.Start + 1, colon - 2);
            colon = colon < sb.Length ? (sb[colon] == (byte)':' ? colon : -2) : -1;
        }
        else
        {
            host = new ByteRange(sentBy.Start, colon < 0 ? sb.Length : colon);
        }

        if (colon == -2 || host.IsEmpty || host.Of(s).ContainsAny(SipSyntax.ViaHostForbidden))
        {
            return false;
        }

        if (colon >= 0)
        {
            var portText = SipSyntax.Trim(sb[(colon + 1)..]);
            if (!SipSyntax.TryParseNumber(portText, 65535, out var p))
            {
                return false;
            }

            port = (int)p;
        }

        var parameters = semi < 0 ? default : new ByteRange(pos + semi, s.Length - pos - semi);
        var ps = parameters.Of(s);
        ByteRange branch = default, received = default;
        var hasRport = false;
        var rport = 0;
        // One pass over the parameters: this runs for every message received.
        var at = 0;
        while (at < ps.Length)
        {
            var rest = ps[at..];
            var semi2 = SipSyntax.IndexOfOutside(rest, (byte)';');
            var piece = semi2 < 0 ? rest : rest[..semi2];
            var eq = piece.IndexOf((byte)'=');
            var name = SipSyntax.Trim(eq < 0 ? piece : piece[..eq]);
            ByteRange valueRange = default;
            if (eq >= 0)
            {
                var v = SipSyntax.Trim(ps, at + eq + 1, piece.Length - eq - 1);
                valueRange = new ByteRange(parameters.Start + v.Start, v.Length);
            }

            if (name.Length == 6 && Ascii.EqualsIgnoreCase(name, "branch"u8))
            {
                branch = valueRange;
            }
            else if (name.Length == 8 && Ascii.EqualsIgnoreCase(name, "received"u8))
            {
                received = valueRange;
            }
            else if (name.Length == 5 && Ascii.EqualsIgnoreCase(name, "rport"u8))
            {
                hasRport = true;
                if (valueRange.Length > 0)
                {
                    if (!SipSyntax.TryParseNumber(valueRange.Of(s), 65535, out var rp))
                    {
                        return false;
                    }

                    rport = (int)rp;
                }
            }

            if (semi2 < 0)
            {
                break;
            }

            at += semi2 + 1;
        }

        var o = e.Start;
        via = new ViaRanges(e, Shift(new ByteRange(transport.Start, transport.Length), o), Shift(host, o), port, Shift(parameters, o),
            Shift(branch, o), Shift(received, o), hasRport, rport);
        return true;
    }

    private static ByteRange Shift(ByteRange r, int offset) => r.Length == 0 ? default : new ByteRange(r.Start + offset, r.Length);

    private static bool TakeToken(ReadOnlySpan<byte> s, ref int pos, out ByteRange token)
    {
        while (pos < s.Length && SipSyntax.IsLws(s[pos]))
        {
            pos++;
        }

        var start = pos;
        while (pos < s.Length && !SipSyntax.IsLws(s[pos]) && s[pos] is not ((byte)'/' or (byte)';' or (byte)','))
        {
            pos++;
        }

        token = new ByteRange(start, pos - start);
        return pos > start && SipSyntax.IsToken(s.Slice(start, pos - start));
    }

    private static bool TakeSlash(ReadOnlySpan<byte> s, ref int pos)
    {
        while (pos < s.Length && SipSyntax.IsLws(s[pos]))
        {
            pos++;
        }

        if (pos < s.Length && s[pos] == (byte)'/')
        {
            pos++;
            return true;
        }

        return false;
    }
}
