using Lantern.Mailboxes;

namespace Lantern.Tests.Mailboxes;

public sealed class MailboxIdTests
{
    [Theory]
    [InlineData("1001", "1001", "default")]
    [InlineData("1001@sales", "1001", "sales")]
    [InlineData("a.b*#+-_9@SIP_Remote", "a.b*#+-_9", "SIP_Remote")]
    public void TryParse_ValidIds_SplitsMailboxAndContext(string text, string mailbox, string context)
    {
        Assert.True(MailboxId.TryParse(text, out var id, out _));
        Assert.Equal(mailbox, id.Mailbox);
        Assert.Equal(context, id.Context);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10 01")]
    [InlineData("1001@")]
    [InlineData("@ctx")]
    [InlineData("a@b@c")]
    public void TryParse_InvalidIds_NamesTheProblem(string text)
    {
        Assert.False(MailboxId.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_TooLongPart_Fails()
    {
        Assert.False(MailboxId.TryParse(new string('1', 81), out _, out _));
        Assert.True(MailboxId.TryParse(new string('1', 80), out _, out _));
    }
}
