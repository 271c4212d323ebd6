namespace Lantern.Tests.Spool;

/// <summary>A temporary Asterisk voicemail spool written the way app_voicemail's file storage writes it.</summary>
internal sealed class SpoolTree : IDisposable
{
    public SpoolTree() => Root = Directory.CreateTempSubdirectory("lantern-spool-").FullName;

    public string Root { get; }

    public string MailboxFolder(string context, string mailbox) => Path.Combine(Root, context, mailbox);

    /// <summary>A message left: media first, the <c>.txt</c> envelope last.</summary>
    public void Leave(string context, string mailbox, string folder, int number)
    {
        var dir = Path.Combine(MailboxFolder(context, mailbox), folder);
        Directory.CreateDirectory(dir);
        var name = "msg" + number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllBytes(Path.Combine(dir, name + ".wav"), new byte[64]);
        File.WriteAllText(Path.Combine(dir, name + ".txt"), "[message]\norigmailbox=" + mailbox + "\n");
    }

    /// <summary>A message listened to: moved from INBOX to Old file by file.</summary>
    public void Move(string context, string mailbox, string from, int fromNumber, string to, int toNumber)
    {
        var source = Path.Combine(MailboxFolder(context, mailbox), from);
        var target = Path.Combine(MailboxFolder(context, mailbox), to);
        Directory.CreateDirectory(target);
        foreach (var extension in new[] { ".wav", ".txt" })
        {
            File.Move(
                Path.Combine(source, "msg" + fromNumber.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + extension),
                Path.Combine(target, "msg" + toNumber.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + extension));
        }
    }

    public void Delete(string context, string mailbox, string folder, int number)
    {
        var dir = Path.Combine(MailboxFolder(context, mailbox), folder);
        foreach (var file in Directory.GetFiles(dir, "msg" + number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + ".*"))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
