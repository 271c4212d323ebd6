namespace Lantern.Upstreams;

/// <summary>The response to send to a NOTIFY: status code and a reason phrase naming any problem.</summary>
internal readonly record struct UpstreamNotifyResult(int StatusCode, string Reason)
{
    public static UpstreamNotifyResult Ok { get; } = new(200, "OK");

    public static UpstreamNotifyResult NoSubscription { get; } = new(481, "Subscription Does Not Exist");
}
