using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Sip.Messages;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>A test playing a SIP phone over a raw UDP socket: send text, wait for the next matching message.</summary>
internal static class SipUdp
{
    public static async Task SendAsync(UdpClient socket, IPEndPoint to, string text) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), to);

    /// <summary>The next datagram that parses and matches, within 10 s.</summary>
    public static async Task<SipMessage> ReceiveAsync(UdpClient socket, Func<SipMessage, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await socket.ReceiveAsync(deadline.Token);
            if (SipMessageParser.TryParse(datagram.Buffer, SipLimits.Default, out var m, out _) && match(m!))
            {
                return m!;
            }
        }
    }
}
