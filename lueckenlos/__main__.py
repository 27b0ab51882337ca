from lueckenlos.cli import main

main()
