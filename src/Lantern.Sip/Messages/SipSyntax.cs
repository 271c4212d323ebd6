using System.Buffers;
using System.Text;

namespace Lantern.Sip.Messages;

/// <summary>Span-level RFC 3261 grammar helpers shared by the parser and the header accessors.</summary>
internal static class SipSyntax
{
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    private static readonly SearchValues<byte> SpecialChars = SearchValues.Create("\"<,;"u8);

    public static readonly SearchValues<byte> UriForbidden = SearchValues.Create(" \t\r\n<>\""u8);

    public static readonly SearchValues<byte> TelForbidden = SearchValues.Create(" \t\r\n<>\"@"u8);

    public static readonly SearchValues<byte> Ipv6Chars = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    public static readonly SearchValues<byte> HostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._"u8);

    public static readonly SearchValues<byte> ViaHostForbidden = SearchValues.Create(" \t;,\"<>"u8);

    public static readonly SearchValues<byte> AddrSpecForbidden = SearchValues.Create(" \t\r\n\""u8);

    public static readonly SearchValues<byte> DisplayNameForbidden = SearchValues.Create("\"<>;,"u8);

    public static readonly SearchValues<byte> Blank = SearchValues.Create(" \t"u8);

    public static bool IsToken(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExcept(TokenChars);

    public static bool IsLws(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> span)
    {
        var start = 0;
        var end = span.Length;
        while (start < end && IsLws(span[start]))
        {
            start++;
        }

        while (end > start && IsLws(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    /// <summary>Trims a range within a buffer, returning the trimmed range.</summary>
    public static ByteRange Trim(ReadOnlySpan<byte> buffer, int start, int length)
    {
        var end = start + length;
        while (start < end && IsLws(buffer[start]))
        {
            start++;
        }

        while (end > start && IsLws(buffer[end - 1]))
        {
            end--;
        }

        return new ByteRange(start, end - start);
    }

    /// <summary>Index of <paramref name="target"/> outside quoted strings and angle-bracketed URIs; -1 if none.</summary>
    public static int IndexOfOutside(ReadOnlySpan<byte> span, byte target)
    {
        var i = 0;
        while (i < span.Length)
        {
            var rel = span[i..].IndexOfAny(SpecialChars);
            if (rel < 0)
            {
                var plain = span[i..].IndexOf(target);
                return plain < 0 ? -1 : i + plain;
            }

            var plainBefore = span.Slice(i, rel).IndexOf(target);
            if (plainBefore >= 0)
            {
                return i + plainBefore;
            }

            i += rel;
            var b = span[i];
            if (b == target)
            {
                return i;
            }

            if (b == (byte)'"')
            {
                var close = IndexOfQuoteEnd(span, i);
                if (close < 0)
                {
                    return -1;
                }

                i = close + 1;
            }
            else if (b == (byte)'<')
            {
                var close = span[i..].IndexOf((byte)'>');
                if (close < 0)
                {
                    return -1;
                }

                i += close + 1;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>Given the index of an opening quote, the index of its closing quote (honouring backslash escapes); -1 if unterminated.</summary>
    public static int IndexOfQuoteEnd(ReadOnlySpan<byte> span, int openQuote)
    {
        for (var i = openQuote + 1; i < span.Length; i++)
        {
            if (span[i] == (byte)'\\')
            {
                i++;
            }
            else if (span[i] == (byte)'"')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Removes surrounding quotes and backslash escapes; returns the input text when it is not quoted.</summary>
    public static string Unquote(ReadOnlySpan<byte> span)
    {
        span = Trim(span);
        if (span.Length < 2 || span[0] != (byte)'"' || span[^1] != (byte)'"')
        {
            return Encoding.UTF8.GetString(span);
        }

        span = span[1..^1];
        if (span.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(span);
        }

        var copy = new byte[span.Length];
        var n = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'\\' && i + 1 < span.Length)
            {
                i++;
            }

            copy[n++] = span[i];
        }

        return Encoding.UTF8.GetString(copy, 0, n);
    }

    /// <summary>Parses a run of decimal digits into a value no larger than <paramref name="max"/>.</summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> span, long max, out long value)
    {
        value = 0;
        if (span.IsEmpty || span.Length > 19)
        {
            return false;
        }

        foreach (var b in span)
        {
            var d = b - (byte)'0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
            if (value > max)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds a parameter in a <c>;name=value;name2</c> section. Found with an empty value when it has none.</summary>
    public static bool TryFindParameter(ReadOnlySpan<byte> section, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var found = TryFindParameter(section, name, out var start, out var length);
        value = found ? section.Slice(start, length) : default;
        return found;
    }

    /// <summary>Finds a parameter's value range relative to <paramref name="section"/>.</summary>
    public static bool TryFindParameter(ReadOnlySpan<byte> section, ReadOnlySpan<byte> name, out int valueStart, out int valueLength)
    {
        var pos = 0;
        while (pos < section.Length)
        {
            var rest = section[pos..];
            var semi = IndexOfOutside(rest, (byte)';');
            var pieceLength = semi < 0 ? rest.Length : semi;
            var piece = rest[..pieceLength];
            var eq = piece.IndexOf((byte)'=');
            var pname = Trim(eq < 0 ? piece : piece[..eq]);
            if (pname.Length == name.Length && Ascii.EqualsIgnoreCase(pname, name))
            {
                if (eq < 0)
                {
                    valueStart = pos;
                    valueLength = 0;
                    return true;
                }

                var raw = piece[(eq + 1)..];
                var lead = 0;
                while (lead < raw.Length && IsLws(raw[lead]))
                {
                    lead++;
                }

                valueStart = pos + eq + 1 + lead;
                valueLength = Trim(raw).Length;
                return true;
            }

            if (semi < 0)
            {
                break;
            }

            pos += semi + 1;
        }

        valueStart = 0;
        valueLength = 0;
        return false;
    }

    /// <summary>Materializes a <c>;name=value</c> section into pairs (value null when absent, quotes removed).</summary>
    public static List<KeyValuePair<string, string?>> ParseParameters(ReadOnlySpan<byte> section)
    {
        var list = new List<KeyValuePair<string, string?>>();
        var pos = 0;
        while (pos < section.Length)
        {
            var rest = section[pos..];
            var semi = IndexOfOutside(rest, (byte)';');
            var piece = semi < 0 ? rest : rest[..semi];
            var eq = piece.IndexOf((byte)'=');
            var pname = Trim(eq < 0 ? piece : piece[..eq]);
            if (!pname.IsEmpty)
            {
                list.Add(new(Encoding.UTF8.GetString(pname), eq < 0 ? null : Unquote(piece[(eq + 1)..])));
            }

            if (semi < 0)
            {
                break;
            }

            pos += semi + 1;
        }

        return list;
    }

    /// <summary>Splits a header value on commas (outside quotes and &lt;&gt;) into trimmed, non-empty items.</summary>
    public static void SplitList(ReadOnlySpan<byte> value, List<string> into)
    {
        var pos = 0;
        while (pos <= value.Length)
        {
            var rest = value[pos..];
            var comma = IndexOfOutside(rest, (byte)',');
            var item = Trim(comma < 0 ? rest : rest[..comma]);
            if (!item.IsEmpty)
            {
                into.Add(Encoding.UTF8.GetString(item));
            }

            if (comma < 0)
            {
                break;
            }

            pos += comma + 1;
        }
    }
}
