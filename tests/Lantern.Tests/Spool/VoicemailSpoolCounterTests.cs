using Lantern.Mailboxes;
using Lantern.Spool;

namespace Lantern.Tests.Spool;

public sealed class VoicemailSpoolCounterTests
{
    [Theory]
    [InlineData("msg0000.txt", true)]
    [InlineData("MSG0012.TXT", true)]
    [InlineData("msg0000.wav", false)]
    [InlineData("msg0000.WAV", false)]
    [InlineData("msg000.txt", false)]
    [InlineData("greet.txt", false)]
    [InlineData("msg0000.txt.tmp", true)]
    public void IsMessageEnvelope_AsAppVoicemailCompares(string name, bool counted) =>
        Assert.Equal(counted, VoicemailSpoolCounter.IsMessageEnvelope(name));

    [Fact]
    public void Count_InboxOldUrgent_UrgentIsPartOfNew()
    {
        using var spool = new SpoolTree();
        spool.Leave("default", "1001", "INBOX", 0);
        spool.Leave("default", "1001", "INBOX", 1);
        spool.Leave("default", "1001", "Old", 0);
        spool.Leave("default", "1001", "Urgent", 0);
        File.WriteAllBytes(Path.Combine(spool.MailboxFolder("default", "1001"), "INBOX", "msg0002.wav"), [1]);

        var counts = VoicemailSpoolCounter.Count(spool.MailboxFolder("default", "1001"));

        Assert.Equal(new MessageCounts(3, 1, 1, 0), counts!.Voice);
    }

    [Fact]
    public void Count_MailboxWithoutFolders_IsZero_AndMissingMailboxIsNull()
    {
        using var spool = new SpoolTree();
        Directory.CreateDirectory(spool.MailboxFolder("default", "1002"));

        Assert.Equal(MailboxCounts.Empty, VoicemailSpoolCounter.Count(spool.MailboxFolder("default", "1002")));
        Assert.Null(VoicemailSpoolCounter.Count(spool.MailboxFolder("default", "nope")));
    }
}
