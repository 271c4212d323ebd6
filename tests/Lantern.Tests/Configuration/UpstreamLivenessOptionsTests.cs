using Lantern.Configuration;

namespace Lantern.Tests.Configuration;

/// <summary>The upstream settings of issue 9 §2: refreshSeconds, register, registerExpires.</summary>
public sealed class UpstreamLivenessOptionsTests
{
    [Fact]
    public void Load_UpstreamDefaults_RefreshEvery90sAndNoRegistration()
    {
        var options = Load("""{ "upstreams": [ "mwi:pw@127.0.0.1/1001" ] }""", []);

        Assert.Equal(90, options.Upstreams[0].RefreshSeconds);
        Assert.False(options.Upstreams[0].Register);
        Assert.Equal(3600, options.Upstreams[0].RegisterExpires);
    }

    [Fact]
    public void Load_RegisterObject_Bound()
    {
        var options = Load("""{ "upstreams": [ { "user": "mwi", "host": "127.0.0.1", "mailbox": "1001", "register": true, "registerExpires": 120, "refreshSeconds": 0 } ] }""", []);

        Assert.True(options.Upstreams[0].Register);
        Assert.Equal(120, options.Upstreams[0].RegisterExpires);
        Assert.Equal(0, options.Upstreams[0].RefreshSeconds);
    }

    [Fact]
    public void Load_NegativeRefreshAndZeroRegisterExpires_ReportedWithTheirPaths()
    {
        var errors = new List<string>();
        Load("""{ "upstreams": [ { "user": "mwi", "host": "127.0.0.1", "mailbox": "1001", "refreshSeconds": -1, "register": true, "registerExpires": 0 } ] }""", errors);

        Assert.Equal(
            ["upstreams[0].refreshSeconds: -1 must be 0 (refresh at 85% of the grant only) or more", "upstreams[0].registerExpires: 0 must be greater than 0"],
            errors);
    }

    private static LanternOptions Load(string json, List<string> errors)
    {
        var path = Path.Combine(Path.GetTempPath(), "lantern-upstream-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        try
        {
            return LanternConfigurationLoader.Load(path, includeEnvironment: false, errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
