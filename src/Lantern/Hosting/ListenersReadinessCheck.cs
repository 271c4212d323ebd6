using Lantern.Ami;
using Lantern.Api;
using Lantern.Sip.Transport;
using Lantern.Storage;

namespace Lantern.Hosting;

/// <summary>Ready when every SIP listener and the AMI listener are bound and the store answers a ping.</summary>
internal sealed class ListenersReadinessCheck : IReadinessCheck
{
    private readonly SipTransportManager _sip;
    private readonly AmiServer _ami;
    private readonly ILanternStore _store;

    public ListenersReadinessCheck(SipTransportManager sip, AmiServer ami, ILanternStore store)
    {
        _sip = sip;
        _ami = ami;
        _store = store;
    }

    public string Name => "listeners";

    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (_sip.BoundEndPoints.Count == 0)
        {
            return "no SIP listener is bound";
        }

        if (_ami.LocalEndPoint is null)
        {
            return "the AMI listener is not bound";
        }

        try
        {
            return await _store.PingAsync(cancellationToken).ConfigureAwait(false) ? null : "the store does not answer";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return "the store does not answer: " + ex.Message;
        }
    }
}
