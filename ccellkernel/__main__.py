from ccellkernel.jupyter.cli import main

main()
