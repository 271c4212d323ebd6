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
        // One read of the mailbox folder says which message folders exist, so a folder app_voicemail has not created yet
        // (no message ever listened to, none urgent) costs neither a failed open nor an exception.
        var folders = 0;
        try
        {
            var entries = new FileSystemEnumerable<int>(mailboxFolder, static (ref FileSystemEntry entry) => FolderBit(entry.FileName), Options)
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) => entry.IsDirectory,
            };
            foreach (var bit in entries)
            {
                folders |= bit;
            }
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var inbox = (folders & 1) != 0 ? CountFolder(Path.Combine(mailboxFolder, Inbox)) : 0;
        var old = (folders & 2) != 0 ? CountFolder(Path.Combine(mailboxFolder, Old)) : 0;
        var urgent = (folders & 4) != 0 ? CountFolder(Path.Combine(mailboxFolder, Urgent)) : 0;
        return new MailboxCounts(new MessageCounts(inbox + urgent, old, urgent, 0));
    }

    private static int FolderBit(ReadOnlySpan<char> name) =>
        name.SequenceEqual(Inbox) ? 1 : name.SequenceEqual(Old) ? 2 : name.SequenceEqual(Urgent) ? 4 : 0;

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
