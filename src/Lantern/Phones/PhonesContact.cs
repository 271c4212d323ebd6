using System.Globalization;
using System.Net;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>Lantern's own Contact for responses and in-dialog requests: the local address the request arrived on.</summary>
internal static class PhonesContact
{
    public static string For(SipServerTransaction transaction, string domain) =>
        For(transaction.Source.Transport, transaction.Source.Local, domain);

    /// <summary>The Contact for a listener of <paramref name="transport"/> bound to <paramref name="local"/>: its address, or
    /// <paramref name="domain"/> when it listens on every address.</summary>
    public static string For(SipTransportKind transport, IPEndPoint local, string domain)
    {
        var host = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any)
            ? domain
            : local.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + local.Address + "]" : local.Address.ToString();
        var scheme = transport == SipTransportKind.Tls ? "sips:" : "sip:";
        var parameter = transport switch
        {
            SipTransportKind.Tcp => ";transport=tcp",
            SipTransportKind.Ws => ";transport=ws",
            SipTransportKind.Wss => ";transport=wss",
            SipTransportKind.Tls => string.Empty,
            _ => string.Empty,
        };
        return "<" + scheme + host + ":" + local.Port.ToString(CultureInfo.InvariantCulture) + parameter + ">";
    }
}
