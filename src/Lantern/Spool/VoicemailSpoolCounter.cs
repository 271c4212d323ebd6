using System.IO.Enumeration;
using Lantern.Mailboxes;

namespace Lantern.Spool;

/// <summary>Counts one mailbox folder of an Asterisk voicemail spool the way app_voicemail's file storage does.</summary>
/// <remarks>app_voicemail (<c>__has_voicemail</c>/<c>inboxcount2</c>) counts, per folder, the entries whose name starts with
/// <c>msg</c> and has <c>txt</c> at offset 8 (case-insensitive): <c>msgNNNN.txt</c>, the envelope written after the media, so a
/// message still being recorded does not count. New is INBOX, old is Old, urgent is Urgent; the MWI event it publishes has
/// new = INBOX + Urgent, which here is the RFC 3842 shape: urgent is the urgent part of new.</remarks>
internal static class VoicemailSpoolCounter
{
    public const string Inbox = "INBOX";
    public const string Old = "Old";
    public const string Urgent = "Urgent";

    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>The counts of the mailbox folder, or null when the folder does not exist (the mailbox is gone).</summary>
    public static MailboxCounts? Count(string mailboxFolder)
    {
        if (!Directory.Exists(mailboxFolder))
        {
            return null;
        }

        var inbox = CountFolder(Path.Combine(mailboxFolder, Inbox));
        var old = CountFolder(Path.Combine(mailboxFolder, Old));
        var urgent = CountFolder(Path.Combine(mailboxFolder, Urgent));
        return new MailboxCounts(new MessageCounts(inbox + urgent, old, urgent, 0));
    }

    /// <summary>True for a name app_voicemail counts: <c>msg</c> then four characters then <c>.txt</c> (compared from offset 8).</summary>
    public static bool IsMessageEnvelope(ReadOnlySpan<char> name) =>
        name.Length >= 11
        && name[..3].Equals("msg", StringComparison.OrdinalIgnoreCase)
        && name.Slice(8, 3).Equals("txt", StringComparison.OrdinalIgnoreCase);

    private static int CountFolder(string folder)
    {
        // A folder app_voicemail has not created yet (no message ever moved to Old) counts zero, as in opendir's failure.
        // The enumerable opens the directory when it is constructed, so construction is inside the try.
        var count = 0;
        try
        {
            var entries = new FileSystemEnumerable<bool>(folder, static (ref FileSystemEntry _) => true, Options)
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) => IsMessageEnvelope(entry.FileName),
            };
            foreach (var unused in entries)
            {
                count++;
            }
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }

        return count;
    }
}
