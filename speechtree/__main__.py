from speechtree.cli import main

main(prog_name="speechtree")
