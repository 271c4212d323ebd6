using System.Net;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>This node's own Contact for a dialog it took over from another node, so the phone's next in-dialog request comes
/// here rather than to the node that created the dialog (decision 0041).</summary>
internal sealed class LocalContacts
{
    private readonly Func<IReadOnlyList<SipListenerEndPoint>> _listeners;
    private readonly string _domain;

    public LocalContacts(Func<IReadOnlyList<SipListenerEndPoint>> listeners, string domain)
    {
        _listeners = listeners;
        _domain = domain;
    }

    /// <summary>The Contact to advertise from now on in <paramref name="dialog"/>: this node's listener of the dialog's
    /// transport (and the phone's address family when there is one), or null to keep the stored Contact, which is then
    /// already one of this node's or no listener fits.</summary>
    public string? ForAdopted(SubscriptionDialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        var family = IPAddress.TryParse(dialog.RemoteAddress, out var remote) ? remote.AddressFamily : System.Net.Sockets.AddressFamily.Unspecified;
        string? sameFamily = null;
        string? sameTransport = null;
        foreach (var listener in _listeners())
        {
            var contact = PhonesContact.For(listener.Transport, listener.EndPoint, _domain);
            if (contact == dialog.LocalContact)
            {
                return null;
            }

            if (listener.Transport != dialog.Transport)
            {
                continue;
            }

            sameTransport ??= contact;
            if (sameFamily is null && listener.EndPoint.AddressFamily == family)
            {
                sameFamily = contact;
            }
        }

        return sameFamily ?? sameTransport;
    }
}
