"""Defence layers in front of every request, and the security monitoring behind them."""
