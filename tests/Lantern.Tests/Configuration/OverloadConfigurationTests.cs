using Lantern.Configuration;
using Lantern.Hosting;

namespace Lantern.Tests.Configuration;

/// <summary><c>sip.overload</c> (issue 13): defaults, binding into the stack's options, and the errors that name the settings.</summary>
public sealed class OverloadConfigurationTests
{
    private static LanternOptions Load(string json, List<string> errors) => ConfigJson.Load(json, errors);

    [Fact]
    public void Defaults_BoundsWellUnderT1()
    {
        var stack = SipServer.StackOptions(LanternConfigurationLoader.Load(null, includeEnvironment: false, []).Sip);
        Assert.Equal(TimeSpan.FromMilliseconds(100), stack.MaxQueueDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), stack.MaxBacklogDelay);
        Assert.Equal((10_000, 5, 5), (stack.MaxQueuedPerShard, stack.RetryAfterSeconds, stack.RetryAfterJitterSeconds));
        Assert.True(stack.AdmissionWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(200), stack.AdmissionTarget);
    }

    [Fact]
    public void Settings_BoundIntoTheStackOptions()
    {
        var o = Load("""{ "sip": { "overload": { "maxQueueDelayMs": 40, "maxStoreDelayMs": 60, "maxQueuedPerShard": 500, "retryAfterSeconds": 2, "retryAfterJitterSeconds": 0, "admissionWindow": false, "admissionTargetMs": 150 } } }""", []);
        var stack = SipServer.StackOptions(o.Sip);
        Assert.False(stack.AdmissionWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(150), stack.AdmissionTarget);
        Assert.Equal(TimeSpan.FromMilliseconds(40), stack.MaxQueueDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(60), stack.MaxBacklogDelay);
        Assert.Equal((500, 2, 0), (stack.MaxQueuedPerShard, stack.RetryAfterSeconds, stack.RetryAfterJitterSeconds));
    }

    [Fact]
    public void BadSettings_ReportedWithTheirPaths()
    {
        var errors = new List<string>();
        Load("""{ "sip": { "overload": { "maxQueueDelayMs": 0, "maxStoreDelayMs": -1, "maxQueuedPerShard": 0, "retryAfterSeconds": 0, "retryAfterJitterSeconds": -2, "admissionTargetMs": 0 } } }""", errors);
        Assert.Equal(
            [
                "sip.overload.maxQueueDelayMs: 0 must be greater than 0",
                "sip.overload.maxStoreDelayMs: -1 must be greater than 0",
                "sip.overload.admissionTargetMs: 0 must be greater than 0",
                "sip.overload.maxQueuedPerShard: 0 must be greater than 0",
                "sip.overload.retryAfterSeconds: 0 must be greater than 0",
                "sip.overload.retryAfterJitterSeconds: -2 must not be negative (0 turns jitter off)",
            ],
            errors);
    }
}
