print("faultline-node")
