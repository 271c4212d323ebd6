using System.Net;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class ConnectionUseTests
{
    private static readonly MwiTarget Target1001 = EndpointDirectory.TargetOf(PhoneEndpoint.Create("1001", "pw", "1001@default"));

    private static (SubscriptionManager Manager, ConnectionUse Use, List<(long Id, bool InUse)> Marks) Create(PhonesFixture f)
    {
        var marks = new List<(long, bool)>();
        var use = new ConnectionUse { Mark = (id, inUse) => marks.Add((id, inUse)) };
        var m = f.Manager();
        m.Connections = use;
        return (m, use, marks);
    }

    private static SubscriptionDialog OverTcp(PhonesFixture f, long connectionId) =>
        f.Dialog() with { Transport = SipTransportKind.Tcp, ConnectionId = connectionId };

    [Fact]
    public async Task Subscribe_MarksItsConnectionInUse_UntilTheLastSubscriptionOnItEnds()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var (m, use, marks) = Create(f);

        var a = m.Subscribe(OverTcp(f, 7), Target1001, 600, "1001").Subscription!;
        var b = m.Subscribe(OverTcp(f, 7), Target1001, 600, "1001").Subscription!;
        m.Activate(a);
        m.Activate(b);
        await f.Sender.WaitForAsync(2);
        Assert.Equal(2, use.CountOf(7));
        Assert.Equal([(7L, true)], marks);

        m.Activate(m.Refresh(a.Dialog.CallId, a.Dialog.LocalTag, a.Dialog.RemoteTag, 0, null).Subscription!);
        await f.Sender.WaitForAsync(3);
        await WaitUntilAsync(() => use.CountOf(7) == 1);
        Assert.Single(marks);

        f.Time.Advance(TimeSpan.FromSeconds(601));
        await WaitUntilAsync(() => use.CountOf(7) == 0);
        Assert.Equal([(7L, true), (7L, false)], marks);
    }

    [Fact]
    public async Task RefreshOverNewConnection_MovesDeliveryAndTheInUseMark()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var (m, use, marks) = Create(f);
        var sub = m.Subscribe(OverTcp(f, 7), Target1001, 600, "1001").Subscription!;
        m.Activate(sub);
        await f.Sender.WaitForAsync(1);

        var flow = new SipDestination(SipTransportKind.Ws, new IPEndPoint(IPAddress.Parse("192.0.2.9"), 40123), 9);
        var d = m.Refresh(sub.Dialog.CallId, sub.Dialog.LocalTag, sub.Dialog.RemoteTag, 600, null, flow);
        m.Activate(d.Subscription!);

        await f.Sender.WaitForAsync(2);
        var dialog = f.Sender.Sent[1].Dialog!;
        Assert.Equal(9, dialog.ConnectionId);
        Assert.Equal(SipTransportKind.Ws, dialog.Transport);
        Assert.Equal("192.0.2.9", dialog.RemoteAddress);
        Assert.Equal(40123, dialog.RemotePort);
        Assert.Equal(0, use.CountOf(7));
        Assert.Equal(1, use.CountOf(9));
        Assert.Equal([(7L, true), (9L, true), (7L, false)], marks);
    }

    [Fact]
    public async Task Register_MarksItsConnection_ReRegisterOverANewOneMovesTheMark_UnregisterClearsIt()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var marks = new List<(long Id, bool InUse)>();
        var use = new ConnectionUse { Mark = (id, inUse) => marks.Add((id, inUse)) };
        using var r = new Registrar(new PhonesSettings { Domain = "example.com" }, null, f.Time, f.Metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance) { Connections = use };
        var phone = PhoneEndpoint.Create("1001", "pw", "1001@default");
        RegisterRequest Over(long connectionId, int expires, long cseq) =>
            new(phone, [new RegisterContact("sip:1001@192.0.2.7;transport=tcp", expires)], false, expires, "reg-call", cseq, [], SipTransportKind.Tcp, "192.0.2.7", 40000 + (int)connectionId, connectionId);

        r.Register(Over(7, 600, 1));
        Assert.Equal(1, use.CountOf(7));
        r.Register(Over(9, 600, 2));
        Assert.Equal(0, use.CountOf(7));
        Assert.Equal(1, use.CountOf(9));
        r.Register(Over(9, 0, 3));

        Assert.Equal(0, use.CountOf(9));
        Assert.Equal([(7L, true), (7L, false), (9L, true), (9L, false)], marks);
    }

    [Fact]
    public void Udp_IsNotCounted()
    {
        var marks = 0;
        var use = new ConnectionUse { Mark = (_, _) => marks++ };
        use.Acquire(0);
        use.Release(0);
        use.Release(5);
        Assert.Equal(0, marks);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(10);
        }
    }
}
