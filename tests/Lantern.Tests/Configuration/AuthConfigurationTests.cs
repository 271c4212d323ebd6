using Lantern.Configuration;

namespace Lantern.Tests.Configuration;

/// <summary>The authentication settings of issue 10: defaults, binding and the errors that name them.</summary>
public sealed class AuthConfigurationTests
{
    private static LanternOptions Load(string json, List<string> errors) => ConfigJson.Load(json, errors);

    [Fact]
    public void Load_Defaults_NoQopRefusedBanCoversRestAndAmi()
    {
        var o = LanternConfigurationLoader.Load(null, includeEnvironment: false, []);

        Assert.False(o.Sip.AllowDigestWithoutQop);
        Assert.Equal(100_000, o.Sip.MaxTrackedNonces);
        Assert.Equal((10, 20, 60, 300, true, true), (o.Sip.AuthFailures.Limit, o.Sip.AuthFailures.UserLimit, o.Sip.AuthFailures.WindowSeconds, o.Sip.AuthFailures.BanSeconds, o.Sip.AuthFailures.Http, o.Sip.AuthFailures.Ami));
    }

    [Fact]
    public void Load_AuthSettings_BoundIntoTheTrackerSettings()
    {
        var o = Load("""{ "sip": { "allowDigestWithoutQop": true, "authFailures": { "limit": 4, "userLimit": 0, "windowSeconds": 30, "banSeconds": 90, "http": false } } }""", []);

        Assert.True(o.Sip.AllowDigestWithoutQop);
        Assert.False(o.Sip.AuthFailures.Http);
        Assert.Equal(
            new Lantern.Sip.Auth.AuthFailureOptions { Limit = 4, UserLimit = 0, Window = TimeSpan.FromSeconds(30), BanTime = TimeSpan.FromSeconds(90) },
            o.Sip.AuthFailures.ToTracker());
    }

    [Fact]
    public void Load_BadAuthSettings_ReportedWithTheirPaths()
    {
        var errors = new List<string>();
        Load("""{ "sip": { "maxTrackedNonces": 0, "authFailures": { "limit": 0, "userLimit": -1, "windowSeconds": 0, "banSeconds": -3 } }, "endpoints": [ { "id": "1001", "password": "pw", "mailboxes": [ "1001" ], "maxContacts": -1 } ] }""", errors);

        Assert.Equal(
            [
                "sip.maxTrackedNonces: 0 must be greater than 0",
                "sip.authFailures.limit: 0 must be greater than 0",
                "sip.authFailures.windowSeconds: 0 must be greater than 0",
                "sip.authFailures.banSeconds: -3 must be greater than 0",
                "sip.authFailures.userLimit: -1 must not be negative (0 turns per-user locking off)",
                "endpoints[0].maxContacts: -1 must not be negative (0 means the default, 10)",
            ],
            errors);
    }
}
