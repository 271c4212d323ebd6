using System.Net;
using Lantern.Sip.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Sip.Tests.Auth;

public sealed class AuthFailureTrackerTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.7");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordFailure_LimitWithinWindow_BannedForBanTime()
    {
        var tracker = new AuthFailureTracker(new AuthFailureOptions(), _time);
        for (var i = 0; i < 9; i++)
        {
            Assert.False(tracker.RecordFailure(Attacker));
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.False(tracker.IsBanned(Attacker));
        Assert.True(tracker.RecordFailure(Attacker));
        Assert.True(tracker.IsBanned(Attacker));
        Assert.True(tracker.IsBanned(IPAddress.Parse("192.0.2.7").MapToIPv6()));
        Assert.False(tracker.IsBanned(IPAddress.Parse("192.0.2.8")));
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.True(tracker.IsBanned(Attacker));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(tracker.IsBanned(Attacker));
    }

    [Fact]
    public void RecordFailure_SpreadBeyondWindow_NotBanned()
    {
        var tracker = new AuthFailureTracker(new AuthFailureOptions(), _time);
        for (var i = 0; i < 30; i++)
        {
            Assert.False(tracker.RecordFailure(Attacker));
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.False(tracker.IsBanned(Attacker));
    }

    [Fact]
    public void RecordSuccess_BetweenGuesses_DoesNotResetTheCount()
    {
        var tracker = new AuthFailureTracker(new AuthFailureOptions { Limit = 3 }, _time);
        tracker.RecordFailure(Attacker, "1001");
        tracker.RecordFailure(Attacker, "1001");
        tracker.RecordSuccess(Attacker, "1002");

        Assert.True(tracker.RecordFailure(Attacker, "1001"));
        Assert.True(tracker.IsBanned(Attacker));
    }

    [Fact]
    public void RecordFailure_OneUserFromManyAddresses_UserLockedExceptWhereItAuthenticated()
    {
        var tracker = new AuthFailureTracker(new AuthFailureOptions { Limit = 10, UserLimit = 5 }, _time);
        var phone = IPAddress.Parse("198.51.100.10");
        tracker.RecordSuccess(phone, "1001");
        for (var i = 0; i < 5; i++)
        {
            tracker.RecordFailure(new IPAddress(0xC0000200u + (uint)i), "1001");
        }

        Assert.True(tracker.IsUserLocked("1001", IPAddress.Parse("192.0.2.99")));
        Assert.False(tracker.IsUserLocked("1001", phone));
        Assert.False(tracker.IsUserLocked("1002", IPAddress.Parse("192.0.2.99")));
        _time.Advance(TimeSpan.FromSeconds(301));
        Assert.False(tracker.IsUserLocked("1001", IPAddress.Parse("192.0.2.99")));
    }

    [Fact]
    public void RecordFailure_ManyAddresses_Bounded()
    {
        var tracker = new AuthFailureTracker(new AuthFailureOptions { Limit = 1, MaxTrackedAddresses = 50 }, _time);
        for (var i = 0; i < 500; i++)
        {
            tracker.RecordFailure(new IPAddress(0x0A000000u + (uint)i));
        }

        Assert.True(tracker.TrackedAddresses <= 50);
    }
}
