using Lantern.Mailboxes;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

public sealed class EndpointDirectoryTests
{
    private static readonly PhoneEndpoint Single = PhoneEndpoint.Create("1001", "pw", "1001@default") with { VoicemailExtension = "*97" };
    private static readonly PhoneEndpoint Pair = PhoneEndpoint.Create("1002", "pw", "1002@default", "1003@default");
    private static readonly PhoneEndpoint Split = PhoneEndpoint.Create("2000", "pw", "2000@sales", "2001@sales") with { Aggregate = false, VoicemailExtension = "*98" };
    private static readonly PhoneEndpoint Twins = PhoneEndpoint.Create("3000", "pw", "5555@a", "5555@b");
    private static readonly EndpointDirectory Directory = new([Single, Pair, Split, Twins]);
    private static readonly Func<MailboxId, bool> NoneStored = _ => false;

    private static MwiTarget Found(string user, PhoneEndpoint? asEndpoint)
    {
        var r = Directory.Resolve(user, asEndpoint, NoneStored);
        Assert.Equal(TargetStatus.Found, r.Status);
        return r.Target!;
    }

    [Fact]
    public void Resolve_EndpointId_AllMailboxesInOneAggregatedPart()
    {
        var t = Found("1002", Pair);

        var part = Assert.Single(t.Parts);
        Assert.Equal([MailboxId.Parse("1002"), MailboxId.Parse("1003")], part.Mailboxes);
        Assert.Equal("1002", part.AccountUser);
        Assert.Equal("1002", t.EndpointId);
    }

    [Fact]
    public void Resolve_NonAggregatedEndpointId_OnePartPerMailboxWithItsOwnAccount()
    {
        var t = Found("2000", Split);

        Assert.Equal(2, t.Parts.Count);
        Assert.Equal("2000", t.Parts[0].AccountUser);
        Assert.Equal("2001", t.Parts[1].AccountUser);
    }

    [Fact]
    public void Resolve_VoicemailExtension_IsTheEndpointAndNamesTheAccount()
    {
        var t = Found("*97", Single);

        Assert.Equal("*97", Assert.Single(t.Parts).AccountUser);
    }

    [Theory]
    [InlineData("2001@sales")]
    [InlineData("2001%40sales")]
    [InlineData("2001")]
    public void Resolve_OwnMailbox_ByIdEscapedIdOrUnambiguousMailboxPart(string user)
    {
        var t = Found(user, Split);

        var part = Assert.Single(t.Parts);
        Assert.Equal(MailboxId.Parse("2001@sales"), Assert.Single(part.Mailboxes));
        Assert.Equal("2001", part.AccountUser);
    }

    [Fact]
    public void Resolve_AmbiguousMailboxPart_NotFound()
    {
        var r = Directory.Resolve("5555", Twins, NoneStored);

        Assert.Equal(TargetStatus.NotFound, r.Status);
        Assert.Equal("Ambiguous Mailbox", r.Reason);
    }

    [Theory]
    [InlineData("1002")]
    [InlineData("1003")]
    [InlineData("1003@default")]
    [InlineData("2000%40sales")]
    public void Resolve_AnotherEndpointsIdOrMailbox_Forbidden(string user)
    {
        Assert.Equal(TargetStatus.Forbidden, Directory.Resolve(user, Single, NoneStored).Status);
    }

    [Fact]
    public void Resolve_MailboxOnlyInTheStore_ForbiddenNotNotFound()
    {
        Assert.Equal(TargetStatus.Forbidden, Directory.Resolve("7777", Single, id => id == MailboxId.Parse("7777")).Status);
        Assert.Equal(TargetStatus.NotFound, Directory.Resolve("7777", Single, NoneStored).Status);
    }

    [Theory]
    [InlineData("%4")]
    [InlineData("%zz")]
    [InlineData("a%00b")]
    [InlineData("")]
    [InlineData("10 01")]
    public void Resolve_MalformedUser_NotFoundWithoutThrowing(string user)
    {
        Assert.Equal(TargetStatus.NotFound, Directory.Resolve(user, Single, NoneStored).Status);
        Assert.Equal(TargetStatus.NotFound, Directory.Resolve(user, null, NoneStored).Status);
    }

    [Fact]
    public void Resolve_Trusted_AnyMailboxEvenOneThatDoesNotExist()
    {
        var t = Found("9999%40elsewhere", null);

        var part = Assert.Single(t.Parts);
        Assert.Equal(MailboxId.Parse("9999@elsewhere"), Assert.Single(part.Mailboxes));
        Assert.Equal("9999", part.AccountUser);
        Assert.Null(t.EndpointId);
    }

    [Fact]
    public void Resolve_TrustedNamingAnEndpointsMailbox_UsesThatEndpointsPresentation()
    {
        var t = Found("1001", null);

        Assert.Equal("1001", t.EndpointId);
        Assert.Equal("*97", Assert.Single(t.Parts).AccountUser);
    }

    [Fact]
    public void Resolve_TrustedNamingAnEndpointId_TheEndpointsTarget()
    {
        var t = Found("1002", null);

        Assert.Equal(2, Assert.Single(t.Parts).Mailboxes.Count);
    }

    [Fact]
    public void EndpointsOf_ListsOwnersOfAMailbox()
    {
        Assert.Same(Pair, Assert.Single(Directory.EndpointsOf(MailboxId.Parse("1003"))));
        Assert.Empty(Directory.EndpointsOf(MailboxId.Parse("4242")));
    }

    [Fact]
    public void Constructor_DuplicateId_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EndpointDirectory([Single, Single]));
    }

    [Fact]
    public void FromOptions_CopiesEveryField()
    {
        var e = PhoneEndpoint.FromOptions(new Lantern.Configuration.EndpointOptions
        {
            Id = "1001",
            Ha1 = "abc",
            AuthUser = "auth1001",
            Mailboxes = ["1001", "1001@default", "2000@sales"],
            Aggregate = false,
            VoicemailExtension = "*97",
            Unsolicited = false,
            SubscribeReplacesUnsolicited = false,
            OmitUrgent = true,
            Contacts = ["sip:1001@192.0.2.1"],
            Permit = ["10.0.0.0/8"],
            MaxSubscriptions = 5,
        });

        Assert.Equal("auth1001", e.AuthUser);
        Assert.Null(e.Password);
        Assert.Equal("abc", e.Ha1);
        Assert.Equal([MailboxId.Parse("1001"), MailboxId.Parse("2000@sales")], e.Mailboxes);
        Assert.False(e.Aggregate);
        Assert.False(e.Unsolicited);
        Assert.False(e.SubscribeReplacesUnsolicited);
        Assert.True(e.OmitUrgent);
        Assert.Equal(["sip:1001@192.0.2.1"], e.StaticContacts);
        Assert.Equal(5, e.MaxSubscriptions);
    }
}
