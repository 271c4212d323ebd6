using System.Globalization;
using System.Text;
using Lantern.Mailboxes;

namespace Lantern.Tests.Upstreams;

/// <summary>A deliberately small stand-in for the real RFC 3842 parser: accepts exactly "Voice-Message: n/o (un/uo)" lines.</summary>
internal static class TestBodyParser
{
    public static bool TryParse(ReadOnlySpan<byte> body, out MailboxCounts counts, out string error)
    {
        counts = MailboxCounts.Empty;
        foreach (var raw in Encoding.ASCII.GetString(body).Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("Voice-Message:", StringComparison.Ordinal))
            {
                continue;
            }

            var v = line["Voice-Message:".Length..].Replace("(", " ", StringComparison.Ordinal).Replace(")", " ", StringComparison.Ordinal).Replace("/", " ", StringComparison.Ordinal);
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4)
            {
                error = "malformed Voice-Message";
                return false;
            }

            var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            counts = new MailboxCounts(new MessageCounts(n[0], n[1], n[2], n[3]));
            error = string.Empty;
            return true;
        }

        error = "no Voice-Message line";
        return false;
    }
}
