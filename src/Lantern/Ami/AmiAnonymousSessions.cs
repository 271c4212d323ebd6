using System.Net;
using Lantern.Sip.Transport;

namespace Lantern.Ami;

/// <summary>Counts connections that have not logged in yet, against <c>ami.authLimit</c> in total and <c>ami.authLimitPerAddress</c>
/// per address; the last fifth of the total is kept for addresses that hold none, so one client cannot lock operators out.</summary>
internal sealed class AmiAnonymousSessions
{
    private readonly AddressLimiter _perAddress;
    private readonly Lock _lock = new();
    private readonly int _reserve;

    public AmiAnonymousSessions(int limit, int perAddress)
    {
        Limit = limit;
        _perAddress = new AddressLimiter(0, perAddress);
        _reserve = limit / 5;
    }

    public int Limit { get; }

    /// <summary>Takes a place for <paramref name="address"/>, or names the limit that refuses it.</summary>
    public string? TryEnter(IPAddress address)
    {
        lock (_lock)
        {
            var count = _perAddress.Count;
            if (Limit > 0 && count >= Limit)
            {
                return $"{Limit} connections without login open (ami.authLimit)";
            }

            if (Limit > 0 && count >= Limit - _reserve && _perAddress.CountOf(address) > 0)
            {
                return $"the last {_reserve} places without login are kept for other addresses (ami.authLimit)";
            }

            return _perAddress.TryEnter(address) is null ? null : $"{_perAddress.MaxPerAddress} connections without login open from this address (ami.authLimitPerAddress)";
        }
    }

    public void Leave(IPAddress address)
    {
        lock (_lock)
        {
            _perAddress.Leave(address);
        }
    }
}
