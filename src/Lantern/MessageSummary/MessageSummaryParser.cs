using System.Diagnostics.CodeAnalysis;
using System.Text;
using Lantern.Mailboxes;

namespace Lantern.MessageSummary;

/// <summary>
/// Parses <c>application/simple-message-summary</c> bodies with the RFC 3842 grammar: field names and the
/// yes/no value are case-insensitive, whitespace around <c>:</c>, <c>/</c> and parentheses is allowed, lines may
/// end in CRLF or LF. Extension headers after a blank line are ignored. Never throws; a failure names the problem
/// in words safe for a SIP reason phrase (no bytes of the input are echoed except validated field names).
/// </summary>
public static class MessageSummaryParser
{
    /// <summary>Longest body accepted.</summary>
    public const int MaxBodyLength = 8192;

    private const int MaxEchoedNameLength = 40;

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ParsedMessageSummary? summary, out string reason)
    {
        summary = null;
        if (body.Length > MaxBodyLength)
        {
            reason = $"body exceeds {MaxBodyLength} bytes";
            return false;
        }

        var rest = body;
        var lineNumber = 0;
        var sawStatus = false;
        var waiting = false;
        string? account = null;
        var counts = new MessageCounts?[5];
        var seenNone = false;
        while (!rest.IsEmpty)
        {
            var lf = rest.IndexOf((byte)'\n');
            var line = lf < 0 ? rest : rest[..lf];
            rest = lf < 0 ? [] : rest[(lf + 1)..];
            lineNumber++;
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (IsBlank(line))
            {
                if (!sawStatus)
                {
                    // Leading blank lines carry nothing; tolerate them.
                    continue;
                }

                // RFC 3842 opt-msg-headers: everything after the blank line is ignored.
                break;
            }

            if (!TryCheckText(line, out var bad))
            {
                reason = $"line {lineNumber}: {bad}";
                return false;
            }

            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                reason = $"line {lineNumber}: no ':' after the field name";
                return false;
            }

            var name = Trim(line[..colon]);
            var value = Trim(line[(colon + 1)..]);
            if (name.IsEmpty || !IsToken(name))
            {
                reason = $"line {lineNumber}: malformed field name";
                return false;
            }

            if (!sawStatus)
            {
                if (!name.EqualsIgnoreCaseAscii("Messages-Waiting"u8))
                {
                    reason = $"line {lineNumber}: the body must start with Messages-Waiting, not {Echo(name)}";
                    return false;
                }

                if (value.EqualsIgnoreCaseAscii("yes"u8))
                {
                    waiting = true;
                }
                else if (!value.EqualsIgnoreCaseAscii("no"u8))
                {
                    reason = $"line {lineNumber}: Messages-Waiting must be yes or no";
                    return false;
                }

                sawStatus = true;
                continue;
            }

            if (name.EqualsIgnoreCaseAscii("Message-Account"u8))
            {
                if (account is not null)
                {
                    reason = $"line {lineNumber}: duplicate Message-Account";
                    return false;
                }

                if (!IsUri(value))
                {
                    reason = $"line {lineNumber}: Message-Account is not a URI";
                    return false;
                }

                account = Encoding.ASCII.GetString(value);
                continue;
            }

            var messageClass = ClassOf(name, out var isNone);
            if (messageClass is null && !isNone)
            {
                reason = name.EqualsIgnoreCaseAscii("Messages-Waiting"u8)
                    ? $"line {lineNumber}: duplicate Messages-Waiting"
                    : $"line {lineNumber}: unknown field {Echo(name)} (extension headers must follow a blank line)";
                return false;
            }

            if (!TryParseCounts(value, out var c, out var problem))
            {
                reason = $"line {lineNumber}: {Echo(name)} {problem}";
                return false;
            }

            if (isNone)
            {
                if (seenNone)
                {
                    reason = $"line {lineNumber}: duplicate {Echo(name)}";
                    return false;
                }

                // RFC 3458 "none": a valid class with no mailbox meaning; checked, not stored.
                seenNone = true;
                continue;
            }

            var index = (int)messageClass!.Value;
            if (counts[index] is not null)
            {
                reason = $"line {lineNumber}: duplicate {Echo(name)}";
                return false;
            }

            counts[index] = c;
        }

        if (!sawStatus)
        {
            reason = "empty body: Messages-Waiting is missing";
            return false;
        }

        var result = new MailboxCounts(counts[0] ?? MessageCounts.Zero, counts[1], counts[2], counts[3], counts[4]);
        var hasCounts = Array.Exists(counts, x => x is not null);
        summary = new ParsedMessageSummary(waiting, account, result, hasCounts);
        reason = string.Empty;
        return true;
    }

    private static MessageClass? ClassOf(ReadOnlySpan<byte> name, out bool isNone)
    {
        isNone = false;
        if (name.EqualsIgnoreCaseAscii("Voice-Message"u8))
        {
            return MessageClass.Voice;
        }

        if (name.EqualsIgnoreCaseAscii("Fax-Message"u8))
        {
            return MessageClass.Fax;
        }

        if (name.EqualsIgnoreCaseAscii("Pager-Message"u8))
        {
            return MessageClass.Pager;
        }

        if (name.EqualsIgnoreCaseAscii("Multimedia-Message"u8))
        {
            return MessageClass.Multimedia;
        }

        if (name.EqualsIgnoreCaseAscii("Text-Message"u8))
        {
            return MessageClass.Text;
        }

        isNone = name.EqualsIgnoreCaseAscii("None"u8);
        return null;
    }

    // newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ], SWS around the separators.
    private static bool TryParseCounts(ReadOnlySpan<byte> value, out MessageCounts counts, out string problem)
    {
        counts = default;
        var pos = 0;
        if (!TryNumber(value, ref pos, out var n, out problem) || !Expect(value, ref pos, (byte)'/', out problem)
            || !TryNumber(value, ref pos, out var o, out problem))
        {
            return false;
        }

        int un = 0, uo = 0;
        SkipSpace(value, ref pos);
        if (pos < value.Length && value[pos] == (byte)'(')
        {
            pos++;
            if (!TryNumber(value, ref pos, out un, out problem) || !Expect(value, ref pos, (byte)'/', out problem)
                || !TryNumber(value, ref pos, out uo, out problem) || !Expect(value, ref pos, (byte)')', out problem))
            {
                return false;
            }

            SkipSpace(value, ref pos);
        }

        if (pos != value.Length)
        {
            problem = "has text after the counts; expected new/old (urgentNew/urgentOld)";
            return false;
        }

        counts = new MessageCounts(n, o, un, uo);
        if (un > n)
        {
            problem = $"urgent new count ({un}) exceeds new count ({n})";
            return false;
        }

        if (uo > o)
        {
            problem = $"urgent old count ({uo}) exceeds old count ({o})";
            return false;
        }

        return true;
    }

    private static bool TryNumber(ReadOnlySpan<byte> s, ref int pos, out int value, out string problem)
    {
        value = 0;
        SkipSpace(s, ref pos);
        var start = pos;
        long v = 0;
        while (pos < s.Length && s[pos] is >= (byte)'0' and <= (byte)'9')
        {
            v = (v * 10) + (s[pos] - '0');
            if (v > int.MaxValue)
            {
                problem = $"count exceeds {int.MaxValue}";
                return false;
            }

            pos++;
        }

        if (pos == start)
        {
            problem = "has a missing or non-numeric count; expected new/old (urgentNew/urgentOld)";
            return false;
        }

        value = (int)v;
        problem = string.Empty;
        return true;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int pos, byte c, out string problem)
    {
        SkipSpace(s, ref pos);
        if (pos < s.Length && s[pos] == c)
        {
            pos++;
            problem = string.Empty;
            return true;
        }

        problem = $"is missing '{(char)c}'; expected new/old (urgentNew/urgentOld)";
        return false;
    }

    private static void SkipSpace(ReadOnlySpan<byte> s, ref int pos)
    {
        while (pos < s.Length && s[pos] is (byte)' ' or (byte)'\t')
        {
            pos++;
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && s[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && s[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return s[start..end];
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => Trim(line).IsEmpty;

    private static bool TryCheckText(ReadOnlySpan<byte> line, out string problem)
    {
        foreach (var b in line)
        {
            if (b is < 0x20 and not (byte)'\t' || b >= 0x7F)
            {
                problem = b == (byte)'\r' ? "stray carriage return" : "control or non-ASCII byte";
                return false;
            }
        }

        problem = string.Empty;
        return true;
    }

    // RFC 3261 token characters.
    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            var ok = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'!' or (byte)'%' or (byte)'*' or (byte)'_' or (byte)'+' or (byte)'`'
                or (byte)'\'' or (byte)'~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // SIP-URI / SIPS-URI / absoluteURI: a scheme, a colon, then something without spaces.
    private static bool IsUri(ReadOnlySpan<byte> s)
    {
        var colon = s.IndexOf((byte)':');
        if (colon < 1 || colon == s.Length - 1 || s[0] is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
        {
            return false;
        }

        foreach (var b in s[..colon])
        {
            if (!(b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return s.IndexOfAny((byte)' ', (byte)'\t') < 0;
    }

    private static string Echo(ReadOnlySpan<byte> validatedToken) =>
        Encoding.ASCII.GetString(validatedToken.Length > MaxEchoedNameLength ? validatedToken[..MaxEchoedNameLength] : validatedToken);
}
