using Lantern.Phones;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Tests.Phones;

public sealed class RegistrarTests
{
    private static readonly PhoneEndpoint Phone = PhoneEndpoint.Create("1001", "pw", "1001");
    private readonly RecordingBindingListener _listener = new();
    private long _cseq;

    private static PhonesSettings Settings(int maxContacts = 10, int maxRegistrations = 1000) =>
        new() { Domain = "example.com", MaxContactsPerEndpoint = maxContacts, MaxRegistrations = maxRegistrations, RetryAfterSeconds = 9 };

    private Registrar Create(PhonesFixture f, PhonesSettings? settings = null, PhoneRecordWriter? writer = null)
    {
        var r = new Registrar(settings ?? Settings(), writer, f.Time, f.Metrics, NullLogger.Instance) { Listener = _listener };
        return r;
    }

    private RegisterRequest Request(int? expires, params RegisterContact[] contacts) =>
        new(Phone, contacts, false, expires, "reg-call", ++_cseq, [], SipTransportKind.Udp, "192.0.2.7", 5060, 0);

    private static RegisterContact C(string uri, int? expires = null) => new(uri, expires);

    [Fact]
    public async Task Register_NewContact_DefaultExpiryAndListedAndNewOnceAnnounced()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        var o = r.Register(Request(null, C("sip:1001@192.0.2.7:5060")));

        Assert.Equal(RegisterStatus.Ok, o.Status);
        var b = Assert.Single(o.Bindings);
        Assert.Equal(3600, b.RemainingSeconds(f.Time.GetUtcNow()));
        Assert.Equal(BindingOrigin.Register, b.Origin);
        Assert.Same(b, Assert.Single(_listener.AwaitingAnswer));
        Assert.Empty(_listener.Bound);

        r.Announce(o);

        Assert.True(Assert.Single(_listener.Bound).IsNew);
    }

    [Fact]
    public async Task Refreshes_KeepOneExpiryQueued_AndUnregisterLeavesNone()
    {
        // Each re-REGISTER used to queue one more hour-long expiry holding the replaced binding.
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        for (var i = 0; i < 100; i++)
        {
            r.Register(Request(3600, C("sip:a@192.0.2.1")));
        }

        Assert.Equal(1, r.ScheduledDeadlines);

        r.Register(Request(0, C("sip:a@192.0.2.1")));

        Assert.Equal(0, r.Count);
        Assert.Equal(0, r.ScheduledDeadlines);
    }

    [Fact]
    public async Task Announce_BindingReplacedBeforeItsAnswer_OnlyTheNewerOneIsAnnounced()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        var first = r.Register(Request(600, C("sip:a@192.0.2.1")));
        var second = r.Register(Request(600, C("sip:a@192.0.2.1")));

        r.Announce(first);
        r.Announce(second);

        Assert.Equal(2, _listener.AwaitingAnswer.Count);
        var (bound, _) = Assert.Single(_listener.Bound);
        Assert.Same(Assert.Single(second.Bindings), bound);
    }

    [Fact]
    public async Task Register_SeveralContacts_PerContactExpiryParamOverHeaderClampedToMax()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        var o = r.Register(Request(300, C("sip:a@192.0.2.1"), C("sip:b@192.0.2.2", 100000), C("sip:c@192.0.2.3", 120)));

        var now = f.Time.GetUtcNow();
        Assert.Equal([300, 7200, 120], o.Bindings.Select(b => b.RemainingSeconds(now)));
    }

    [Fact]
    public async Task Register_AnyContactBelowMin_IntervalTooBriefAndNothingChanged()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        var o = r.Register(Request(3600, C("sip:a@192.0.2.1"), C("sip:b@192.0.2.2", 30)));

        Assert.Equal(RegisterStatus.IntervalTooBrief, o.Status);
        Assert.Equal(60, o.MinExpires);
        Assert.Empty(r.ContactsOf("1001"));
        Assert.Empty(_listener.Bound);
    }

    [Fact]
    public async Task Register_ReRegister_RefreshNotNewAndKeepsBoundAt()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.RegisterAnswered(Request(600, C("sip:a@192.0.2.1")));
        f.Time.Advance(TimeSpan.FromSeconds(300));

        var o = r.RegisterAnswered(Request(600, C("sip:a@192.0.2.1")));

        var b = Assert.Single(o.Bindings);
        Assert.Equal(PhonesFixture.Start, b.BoundAt);
        Assert.Equal(600, b.RemainingSeconds(f.Time.GetUtcNow()));
        Assert.False(_listener.Bound[1].IsNew);
        f.Time.Advance(TimeSpan.FromSeconds(400));
        Assert.Single(r.ContactsOf("1001"));
    }

    [Fact]
    public async Task Register_SameCallIdOlderCSeq_BadRequest()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(600, C("sip:a@192.0.2.1")) with { CSeq = 5 });

        var o = r.Register(Request(600, C("sip:a@192.0.2.1")) with { CSeq = 5 });

        Assert.Equal(RegisterStatus.BadRequest, o.Status);
        Assert.Equal("Out Of Order CSeq", o.Reason);
    }

    [Fact]
    public async Task Register_ExpiresZero_RemovesThatContactOnly()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(600, C("sip:a@192.0.2.1"), C("sip:b@192.0.2.2")));

        var o = r.Register(Request(null, C("sip:a@192.0.2.1", 0)));

        Assert.Equal("sip:b@192.0.2.2", Assert.Single(o.Bindings).Uri);
        Assert.Equal("sip:a@192.0.2.1", Assert.Single(_listener.Unbound).Uri);
    }

    [Fact]
    public async Task Register_WildcardWithExpiresZero_RemovesAllRegistered()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(600, C("sip:a@192.0.2.1"), C("sip:b@192.0.2.2")));

        var o = r.Register(Request(0) with { Wildcard = true });

        Assert.Equal(RegisterStatus.Ok, o.Status);
        Assert.Empty(o.Bindings);
        Assert.Equal(2, _listener.Unbound.Count);
        Assert.Equal(0, r.Count);
    }

    [Fact]
    public async Task Register_WildcardWithoutExpiresZero_BadRequest()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        Assert.Equal(RegisterStatus.BadRequest, r.Register(Request(60) with { Wildcard = true }).Status);
        Assert.Equal(RegisterStatus.BadRequest, r.Register(Request(null) with { Wildcard = true }).Status);
    }

    [Fact]
    public async Task Register_WithoutContact_QueryListsCurrentBindings()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.RegisterAnswered(Request(600, C("sip:a@192.0.2.1")));

        var o = r.Register(Request(null));

        Assert.Single(o.Bindings);
        Assert.Single(_listener.Bound);
    }

    [Theory]
    [InlineData("http://x")]
    [InlineData("sip:")]
    [InlineData("sip:a b@c")]
    public async Task Register_InvalidContactUri_BadRequest(string uri)
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        Assert.Equal(RegisterStatus.BadRequest, r.Register(Request(600, C(uri))).Status);
    }

    [Fact]
    public async Task Expiry_RemovesBindingAtItsTime()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(60, C("sip:a@192.0.2.1")));

        f.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(r.ContactsOf("1001"));
        f.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(r.ContactsOf("1001"));
        Assert.Single(_listener.Unbound);
    }

    [Fact]
    public async Task Register_PathKeptOnTheBinding()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);

        var o = r.Register(Request(600, C("sip:a@10.0.0.1")) with { Path = ["<sip:edge.example.com;lr>"] });

        Assert.Equal(["<sip:edge.example.com;lr>"], Assert.Single(o.Bindings).Path);
    }

    [Fact]
    public async Task Register_BeyondContactsPerEndpoint_OldestReplaced()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f, Settings(maxContacts: 2));
        r.Register(Request(600, C("sip:a@192.0.2.1")));
        f.Time.Advance(TimeSpan.FromSeconds(1));
        r.Register(Request(600, C("sip:b@192.0.2.1")));

        var o = r.Register(Request(600, C("sip:c@192.0.2.1")));

        Assert.Equal(["sip:b@192.0.2.1", "sip:c@192.0.2.1"], o.Bindings.Select(b => b.Uri));
    }

    [Fact]
    public async Task Register_EndpointMaxContacts_OverridesDefaultAndReplacesOldest()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        var phone = Phone with { MaxContacts = 2 };
        r.Register(Request(600, C("sip:a@192.0.2.1")) with { Endpoint = phone });
        f.Time.Advance(TimeSpan.FromSeconds(1));
        r.Register(Request(600, C("sip:b@192.0.2.1")) with { Endpoint = phone });

        var o = r.Register(Request(600, C("sip:c@192.0.2.1")) with { Endpoint = phone });

        Assert.Equal(["sip:b@192.0.2.1", "sip:c@192.0.2.1"], o.Bindings.Select(b => b.Uri));
    }

    [Fact]
    public async Task Register_MoreNewContactsThanMaxContacts_RefusedNamingTheLimitAndNothingChanged()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        var phone = Phone with { MaxContacts = 2 };
        r.Register(Request(600, C("sip:a@192.0.2.1")) with { Endpoint = phone });

        var o = r.Register(Request(600, C("sip:b@192.0.2.1"), C("sip:c@192.0.2.1"), C("sip:d@192.0.2.1")) with { Endpoint = phone });

        Assert.Equal(RegisterStatus.TooManyContacts, o.Status);
        Assert.Equal("Too Many Contacts (maxContacts 2)", o.Reason);
        Assert.Equal(["sip:a@192.0.2.1"], r.ContactsOf("1001").Select(b => b.Uri));
    }

    [Fact]
    public void FromOptions_MaxContacts_Carried()
    {
        var e = PhoneEndpoint.FromOptions(new Lantern.Configuration.EndpointOptions { Id = "1001", Password = "pw", MaxContacts = 3 });

        Assert.Equal(3, e.MaxContacts);
    }

    [Fact]
    public async Task Register_BeyondTotalBound_Overloaded()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f, Settings(maxRegistrations: 1));
        r.Register(Request(600, C("sip:a@192.0.2.1")));

        var o = r.Register(Request(600, C("sip:b@192.0.2.1")));

        Assert.Equal(RegisterStatus.Overloaded, o.Status);
        Assert.Equal(9, o.RetryAfterSeconds);
        Assert.Equal(RegisterStatus.Ok, r.Register(Request(600, C("sip:a@192.0.2.1"))).Status);
    }

    [Fact]
    public async Task StoredBindings_RestoredExceptExpiredAndRemovedEndpoints()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var writer = f.Writer();
        var other = PhoneEndpoint.Create("1002", "pw", "1002");
        using (var r = Create(f, writer: writer))
        {
            r.Register(Request(600, C("sip:a@192.0.2.1")) with { Path = ["<sip:p;lr>"] });
            r.Register(Request(60, C("sip:short@192.0.2.1")));
            r.Register(new RegisterRequest(other, [C("sip:x@192.0.2.9")], false, 600, "c2", 1, [], SipTransportKind.Tcp, "192.0.2.9", 5060, 7));
            await writer.FlushAsync(CancellationToken.None);
        }

        Assert.Equal(3, f.Store.CountOf(Registrar.RecordKind));
        f.Time.Advance(TimeSpan.FromSeconds(120));
        using var restarted = Create(f, writer: writer);
        var n = await restarted.RestoreAsync(f.Store, new EndpointDirectory([Phone]), CancellationToken.None);

        Assert.Equal(1, n);
        var b = Assert.Single(restarted.ContactsOf("1001"));
        Assert.Equal("sip:a@192.0.2.1", b.Uri);
        Assert.Equal(["<sip:p;lr>"], b.Path);
        Assert.Equal(480, b.RemainingSeconds(f.Time.GetUtcNow()));
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal(1, f.Store.CountOf(Registrar.RecordKind));
    }

    [Fact]
    public async Task ApplyDirectory_StaticContactsAddedAndRemovedAndRemovedEndpointsDropped()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(600, C("sip:a@192.0.2.1")));
        r.ApplyDirectory(new EndpointDirectory([Phone with { Contacts = ["sip:desk@192.0.2.50"] }]));

        Assert.Equal(2, r.ContactsOf("1001").Count);
        Assert.Equal(1, r.Count);

        r.ApplyDirectory(new EndpointDirectory([PhoneEndpoint.Create("1002", "pw", "1002")]));

        Assert.Empty(r.ContactsOf("1001"));
        Assert.Equal(0, r.Count);
    }

    [Fact]
    public async Task SetApiContacts_ReplacesApiContactsOnly()
    {
        await using var f = await PhonesFixture.CreateAsync();
        using var r = Create(f);
        r.Register(Request(600, C("sip:a@192.0.2.1")));

        Assert.Null(r.SetApiContacts("1001", [("sip:x@192.0.2.2", null), ("sip:y@192.0.2.3", 120)]));
        Assert.Null(r.SetApiContacts("1001", [("sip:y@192.0.2.3", null)]));

        var all = r.ContactsOf("1001");
        Assert.Equal(["sip:a@192.0.2.1", "sip:y@192.0.2.3"], all.Select(b => b.Uri));
        Assert.Null(all[1].ExpiresAt);
        Assert.Contains("contacts[0].uri", r.SetApiContacts("1001", [("mailto:x", null)]), StringComparison.Ordinal);
        Assert.Contains("contacts[0].expires", r.SetApiContacts("1001", [("sip:z@h", 0)]), StringComparison.Ordinal);
    }
}
