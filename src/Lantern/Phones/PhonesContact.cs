using System.Globalization;
using System.Net;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Phones;

/// <summary>Lantern's own Contact for responses and in-dialog requests: the local address the request arrived on.</summary>
internal static class PhonesContact
{
    public static string For(SipServerTransaction transaction, string domain)
    {
        var local = transaction.Source.Local;
        var host = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any)
            ? domain
            : local.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + local.Address + "]" : local.Address.ToString();
        var scheme = transaction.Source.Transport == SipTransportKind.Tls ? "sips:" : "sip:";
        var transport = transaction.Source.Transport switch
        {
            SipTransportKind.Tcp => ";transport=tcp",
            SipTransportKind.Ws => ";transport=ws",
            SipTransportKind.Wss => ";transport=wss",
            SipTransportKind.Tls => string.Empty,
            _ => string.Empty,
        };
        return "<" + scheme + host + ":" + local.Port.ToString(CultureInfo.InvariantCulture) + transport + ">";
    }
}
