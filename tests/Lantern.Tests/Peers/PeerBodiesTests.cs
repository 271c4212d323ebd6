using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Lantern.Mailboxes;
using Lantern.Peers;
using Lantern.Upstreams;

namespace Lantern.Tests.Peers;

[Trait("RFC", "3842")]
public sealed class PeerBodiesTests
{
    [Theory]
    [InlineData("Messages-Waiting: yes\r\n", 1)]
    [InlineData("Messages-Waiting: no\r\n", 0)]
    public void TryParse_OnlyMessagesWaiting_LightsOrClearsTheLamp(string body, int expectedNew)
    {
        Assert.True(PeerBodies.TryParse(Encoding.ASCII.GetBytes(body), out var counts, out _));
        Assert.Equal(expectedNew, counts.Voice.New);
        Assert.True(UpstreamBodies.TryParse(Encoding.ASCII.GetBytes(body), out var same, out _));
        Assert.Equal(counts, same);
    }

    [Fact]
    public void TryParse_AllClassesAndUrgentCounts()
    {
        var body = "messages-waiting: YES\r\nVoice-Message: 2/8 (1/2)\r\nFax-Message: 0/1\r\nText-Message: 3/0 (0/0)\r\n";

        Assert.True(PeerBodies.TryParse(Encoding.ASCII.GetBytes(body), out var counts, out var error), error);

        Assert.Equal(new MessageCounts(2, 8, 1, 2), counts.Voice);
        Assert.Equal(new MessageCounts(0, 1, 0, 0), counts.Fax);
        Assert.Equal(new MessageCounts(3, 0, 0, 0), counts.Text);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Notify_ArbitraryBody_200Or400_NeverThrows_BadOneChangesNothing(byte[] body)
    {
        return Prop.ToProperty(Check(body).GetAwaiter().GetResult());

        static async Task<bool> Check(byte[] body)
        {
            await using var h = await PeersHarness.StartAsync(PeersHarness.Peer("p", "1", "192.0.2.10"));
            await h.SendAsync(PeersHarness.Notify("192.0.2.10"));
            var before = h.Find("1@SIP_Remote");
            var request = PeersHarness.Notify("192.0.2.10") with { Body = body };

            var response = await h.SendAsync(request);

            return response.StatusCode == 200 || (response.StatusCode == 400 && h.Find("1@SIP_Remote") == before);
        }
    }
}
