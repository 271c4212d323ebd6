using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>Counts open connections in total and per remote address against two caps, so one address cannot take them all.</summary>
/// <remarks>Thread-safe. IPv4-mapped IPv6 addresses count as their IPv4 address.</remarks>
public sealed class AddressLimiter
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private int _count;

    /// <param name="max">Connections at once; zero or less means no total cap.</param>
    /// <param name="maxPerAddress">Connections at once from one address; zero or less means no per-address cap.</param>
    public AddressLimiter(int max, int maxPerAddress)
    {
        Max = max;
        MaxPerAddress = maxPerAddress;
    }

    public int Max { get; }

    public int MaxPerAddress { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes a place for <paramref name="address"/>, or names the cap that refuses it (then nothing is taken).</summary>
    public string? TryEnter(IPAddress address)
    {
        address = Normalize(address);
        lock (_lock)
        {
            if (Max > 0 && _count >= Max)
            {
                return "connection limit reached";
            }

            _perAddress.TryGetValue(address, out var perAddress);
            if (MaxPerAddress > 0 && perAddress >= MaxPerAddress)
            {
                return "per-address connection limit reached";
            }

            _perAddress[address] = perAddress + 1;
            _count++;
            return null;
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryEnter"/>.</summary>
    public void Leave(IPAddress address)
    {
        address = Normalize(address);
        lock (_lock)
        {
            if (!_perAddress.TryGetValue(address, out var count))
            {
                return;
            }

            if (count <= 1)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = count - 1;
            }

            _count--;
        }
    }

    /// <summary>Places held by <paramref name="address"/>.</summary>
    public int CountOf(IPAddress address)
    {
        address = Normalize(address);
        lock (_lock)
        {
            return _perAddress.TryGetValue(address, out var count) ? count : 0;
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
