using System.Text;
using Miraie.SafeMail.Core.Text;

namespace Miraie.SafeMail.Cli;

/// <summary>Reads a password from the terminal without echo, or one line from standard input when it is piped.</summary>
internal static class PasswordPrompt
{
    public static string Read()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "";
        }

        Console.Error.Write(new LocalizedText("パスワード: ", "Password: ").ToString());
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
